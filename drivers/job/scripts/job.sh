# The body of a Job's script (see script.go). The driver puts before it the
# assignments of the paths it uses and of its awk programs (quoted), and
# the function __dp_steps (internal/shell.StepsFunction). The container runs
# the whole as `sh -c <script> sh <command>...`: the commands are the
# positional parameters, never script text, so no value (expanded by the
# kubelet into the commands) can change what this script does. It needs a
# POSIX sh; awk for the result (without it, only the exit status), and
# sha256sum, find, sort, wc and mktemp to list a backup's files.
#
# Set before:
#   __dp_msg         where the JSON result goes (the termination message)
#   __dp_workdir     the steps' working directory ("" for none)
#   __dp_mkdir       1 to create __dp_workdir first (a backup's directory)
#   __dp_listdir     the directory whose files are the artifacts ("" for none)
#   __dp_tail_awk, __dp_aggregate_awk, __dp_report_awk   the awk programs

__dp_tmp=$(mktemp -d 2>/dev/null) || { __dp_tmp="${TMPDIR:-/tmp}/dataprotection.$$"; mkdir -p "$__dp_tmp"; }

# __dp_fail STATUS WHAT: records which command failed and exits with its status.
__dp_fail() {
	printf '%s\n' "$2" > "$__dp_tmp/failed"
	printf 'dataprotection: %s failed with exit status %s\n' "$2" "$1" >&2
	exit "$1"
}

# __dp_tail FILE: copies its input through, keeping its last lines in FILE.
__dp_tail() {
	if command -v awk >/dev/null 2>&1; then
		LC_ALL=C awk -v out="$1" "$__dp_tail_awk"
	else
		cat
	fi
}

# __dp_list DIR: writes the records "size<TAB>sha256<TAB>path" of the files
# under DIR, sorted by path, and the aggregate checksum of the list
# (drivers.AggregateChecksum's lines, hashed).
__dp_list() (
	cd "$1" 2>/dev/null || exit 0
	command -v sha256sum >/dev/null 2>&1 || exit 0
	find . -type f | LC_ALL=C sort > "$__dp_tmp/files" || exit 0
	while IFS= read -r __dp_f; do
		case $__dp_f in ./*) ;; *) continue ;; esac
		[ -f "$__dp_f" ] || continue
		__dp_size=$(wc -c < "$__dp_f" | tr -d ' ') || continue
		__dp_sum=$(sha256sum < "$__dp_f") || continue
		printf '%s\t%s\t%s\n' "$__dp_size" "${__dp_sum%% *}" "${__dp_f#./}"
	done < "$__dp_tmp/files" > "$__dp_tmp/records"
	__dp_agg=$(LC_ALL=C awk "$__dp_aggregate_awk" "$__dp_tmp/records" | sha256sum) || exit 0
	printf '%s\n' "${__dp_agg%% *}" > "$__dp_tmp/aggregate"
)

# __dp_report STATUS: prints the JSON result (see result.go).
__dp_report() {
	command -v awk >/dev/null 2>&1 || { printf '{"v":1,"exitCode":%s}\n' "$1"; return; }
	LC_ALL=C awk -v rc="$1" -v dir="$__dp_tmp" "$__dp_report_awk"
}

# __dp_main COMMAND...: the steps, in their working directory.
__dp_main() (
	if [ -n "$__dp_workdir" ]; then
		if [ "$__dp_mkdir" = 1 ]; then
			mkdir -p "$__dp_workdir" && cd "$__dp_workdir" || __dp_fail $? "creating the directory $__dp_workdir"
		else
			cd "$__dp_workdir" 2>/dev/null || :
		fi
	fi
	__dp_steps "$@"
)

# Run the steps with their standard output and standard error each copied
# through __dp_tail (the output stays live in the container log); then
# list the artifacts, write the result, and exit with the steps' status.
{ { __dp_main "$@" </dev/null; echo $? > "$__dp_tmp/rc"; } 2>&1 1>&3 3>&- | __dp_tail "$__dp_tmp/stderr" >&2; } 3>&1 | __dp_tail "$__dp_tmp/stdout"
__dp_rc=$(cat "$__dp_tmp/rc" 2>/dev/null) || __dp_rc=
[ -n "$__dp_rc" ] || __dp_rc=1
if [ "$__dp_rc" = 0 ] && [ -n "$__dp_listdir" ]; then __dp_list "$__dp_listdir"; fi
__dp_report "$__dp_rc" > "$__dp_msg" 2>/dev/null || :
rm -rf "$__dp_tmp"
exit "$__dp_rc"
