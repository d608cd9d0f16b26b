# Supervisor of a local driver task: runs every command of every step in
# order with "sh -c", stops at the first that fails, and records the outcome
# in exit.json. It holds no values, and no variable's value reaches an argv:
# the environment of step i is the 0600 file env.<i> of the state directory
# (export lines), which a clean shell (env -i) reads before it becomes the
# command's shell. Its own environment says where and what: __DP_STATE (the
# state directory), __DP_SH (the shell), __DP_STEPS (the number of steps),
# __DP_N_<i> (the number of commands of step i) and __DP_C_<i>_<j> (the
# commands). See package local.
s=$__DP_STATE
echo $$ >"$s/pid.tmp" && mv -f "$s/pid.tmp" "$s/pid"

# fin STATUS STEP COMMAND: removes the environment files and records the end.
fin() {
	rm -f "$s"/env.*
	printf '{"exitCode":%d,"step":%d,"command":%d}\n' "$1" "$2" "$3" >"$s/exit.tmp" && mv -f "$s/exit.tmp" "$s/exit.json"
	exit "$1"
}

# run STEP COMMAND: runs COMMAND with "sh -c" in exactly the step's environment.
run() {
	env -i "$__DP_SH" -c '. "$1" && exec "$0" -c "$2"' "$__DP_SH" "$s/env.$1" "$2"
}

i=0
while [ "$i" -lt "$__DP_STEPS" ]; do
	eval "n=\$__DP_N_$i"
	j=0
	while [ "$j" -lt "$n" ]; do
		[ ! -e "$s/cancel.json" ] || exit 143
		eval "c=\$__DP_C_${i}_$j"
		: >"$s/rc"
		{ run "$i" "$c" 2>>"$s/output.log"; echo $? >"$s/rc"; } | tee -a "$s/stdout.log" >>"$s/output.log"
		read -r rc 2>/dev/null <"$s/rc" || rc=125
		[ "$rc" = 0 ] || fin "$rc" "$i" "$j"
		j=$((j + 1))
	done
	i=$((i + 1))
done
fin 0 -1 -1
