# Prologue of a hook or status-update task run by pod exec, as
# `sh -c <script> sh <end>`. It reads shell code from standard input up to
# the line <end> (the task's environment as export lines, then `set --` and
# the commands), evaluates it, and defines __dp_fail; the steps function
# follows (internal/shell.StepsFunction), called as `__dp_steps "$@"`. No
# value is in the script or in its arguments, which travel in the exec
# request's URL.
__dp_env=
while IFS= read -r __dp_line; do
	[ "$__dp_line" = "$1" ] && break
	__dp_env="$__dp_env$__dp_line
"
done
eval "$__dp_env"
unset __dp_env __dp_line

# __dp_fail STATUS WHAT: says which command failed, and exits with its status.
__dp_fail() {
	printf 'dataprotection: %s failed with exit status %s\n' "$2" "$1" >&2
	exit "$1"
}
