# Output capture of a local driver task: started beside the supervisor, in a
# session of its own, it keeps a bounded tail of what the task prints in the
# state directory, one copy only. Its descriptors: 0, the combined output
# (the commands' standard error, and their standard output as forwarded
# here); 3, the task's lock, which it holds like every process of the task;
# 4, the commands' standard output; 5, the write end of the combined output.
# Its environment: __DP_STATE (the state directory), __DP_KEEP_OUTPUT and
# __DP_KEEP_STDOUT (how many bytes of each file it keeps at least). When
# both inputs have ended (the task's processes are gone) it writes the file
# "captured": the output is complete. See package local.
s=$__DP_STATE

# keep FILE LIMIT [tee]: appends standard input to FILE (copying it to
# standard output too with "tee"), in reads of at most 1 MiB (256 blocks of
# 4 KiB); once FILE holds LIMIT bytes or more it becomes FILE.1, replacing
# the previous FILE.1, and FILE.cut then records that output was dropped.
# Each file thus stays under LIMIT + 1 MiB. With "tee" (the standard
# output) it also keeps the first 4 KiB in FILE.head and, at the end, the
# number of bytes read in FILE.total, for the messages about an output that
# is not what was expected. When FILE cannot be written (a full disk, a
# removed state directory) the rest of the input is copied through without
# being kept.
keep() {
	size=0
	total=0
	while :; do
		if [ "$3" = tee ]; then
			dd bs=4096 count=256 2>/dev/null | tee -a "$1"
		else
			dd bs=4096 count=256 2>/dev/null >>"$1"
		fi
		before=$size
		size=$(wc -c <"$1" 2>/dev/null) || break
		size=$((size))
		[ "$size" -gt "$before" ] || break # the end of the input
		total=$((total + size - before))
		[ "$3" != tee ] || [ -e "$1.head" ] || dd bs=4096 count=1 <"$1" >"$1.head" 2>/dev/null
		[ "$size" -ge "$2" ] || continue
		[ ! -e "$1.1" ] || : >"$1.cut"
		mv -f "$1" "$1.1" || break
		size=0
	done
	[ "$3" != tee ] || echo "$total" >"$1.total"
	cat
}

# Standard output: a short window (where the JSON output is looked for),
# forwarded into the combined output.
keep "$s/stdout.log" "$__DP_KEEP_STDOUT" tee <&4 >&5 4<&- 5>&- &
exec 4<&- 5>&-
keep "$s/output.log" "$__DP_KEEP_OUTPUT" >/dev/null
wait
: >"$s/captured"
