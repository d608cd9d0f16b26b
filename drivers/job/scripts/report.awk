# Prints the JSON result of a Job's script (see result.go), at most 4000
# bytes so that it fits the 4096 bytes of a termination message: the exit
# status (rc), what failed, the count, total size and aggregate checksum of
# the listed files (drivers.AggregateChecksum: for one file its own), the
# last non-empty line of standard output when it looks like a JSON object,
# the end of the log when the steps failed, and the list of files when all
# of that fits. It reads the files the script left in dir.

function slurp(f,    s, line, n) {
	s = ""; n = 0
	while ((getline line < f) > 0) { if (n++) s = s "\n"; s = s line }
	close(f)
	return s
}
function esc(s,    out, i, c, k) {
	out = ""
	for (i = 1; i <= length(s); i++) {
		c = substr(s, i, 1)
		if (c == "\\") out = out "\\\\"
		else if (c == "\"") out = out "\\\""
		else if ((k = index(CTRL, c)) > 0) out = out sprintf("\\u%04x", k)
		else out = out c
	}
	return out
}
function tailOf(s, max,    e) {
	if (length(s) > max) s = substr(s, length(s) - max + 1)
	while (length(e = esc(s)) > max) s = substr(s, int(length(s) / 2) + 1)
	return e
}
function add(piece) {
	if (length(msg) + length(piece) > 3990) return 0
	msg = msg piece
	return 1
}
BEGIN {
	for (i = 1; i < 32; i++) CTRL = CTRL sprintf("%c", i)
	msg = "{\"v\":1,\"exitCode\":" (rc + 0)
	failed = slurp(dir "/failed")
	if (failed != "") msg = msg ",\"failed\":\"" tailOf(failed, 400) "\""
	n = 0; total = 0; arts = ""; long = 0; first = ""
	while ((getline line < (dir "/records")) > 0) {
		i1 = index(line, "\t"); size = substr(line, 1, i1 - 1); rest = substr(line, i1 + 1)
		i2 = index(rest, "\t"); hex = substr(rest, 1, i2 - 1); p = substr(rest, i2 + 1)
		if (i1 == 0 || i2 == 0 || size !~ /^[0-9]+$/) continue
		n++; total += size
		if (n == 1) first = hex
		if (long || length(arts) > 4000) { long = 1; continue }
		if (n > 1) arts = arts ","
		arts = arts "{\"path\":\"" esc(p) "\",\"size\":" size ",\"sha256\":\"" hex "\"}"
	}
	agg = slurp(dir "/aggregate")
	if (agg != "") {
		msg = msg ",\"fileCount\":" n ",\"totalSize\":" sprintf("%.0f", total)
		if (n == 1) agg = first
		if (n > 0) msg = msg ",\"sha256\":\"" agg "\""
	}
	out = ""
	while ((getline line < (dir "/stdout")) > 0) if (line ~ /[^ \t\r]/) out = line
	if (out ~ /^[ \t\r]*[{]/ && out ~ /[}][ \t\r]*$/) {
		if (length(out) > 2048 || !add(",\"output\":\"" esc(out) "\"")) msg = msg ",\"outputOmitted\":" length(out)
	}
	if (rc + 0 != 0) {
		t = slurp(dir "/stderr")
		if (t == "") t = slurp(dir "/stdout")
		if (t != "") add(",\"logTail\":\"" tailOf(t, 1000) "\"")
	}
	if (agg != "" && !long) add(",\"artifacts\":[" arts "]")
	print msg "}"
}
