# Turns the records "size<TAB>sha256<TAB>path" into the lines that
# drivers.AggregateChecksum hashes: "sha256:<hex>  <path>".
{
	p = $0
	sub(/^[^\t]*\t[^\t]*\t/, "", p)
	split($0, f, "\t")
	print "sha256:" f[2] "  " p
}
