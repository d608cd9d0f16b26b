# Supervisor of a local driver task: runs every command of every step in
# order with "sh -c", stops at the first that fails, and records the outcome
# in exit.json. The commands' standard output and standard error are the
# supervisor's: pipes to the task's capture (capture.sh), which keeps a
# bounded tail of them. It holds no values, and no variable's value reaches
# an argv: the environment of step i is the 0600 file env.<i> of the state
# directory (export lines), which a clean shell (env -i) reads before it
# becomes the command's shell. Its own environment says where and what: __DP_STATE (the
# state directory), __DP_SH (the shell), __DP_STEPS (the number of steps),
# __DP_N_<i> (the number of commands of step i) and __DP_C_<i>_<j> (the
# commands). See package local.
s=$__DP_STATE
echo $$ >"$s/pid.tmp" && mv -f "$s/pid.tmp" "$s/pid"
echo $$ >&3 # into the task's lock file too, which outlives a deleted state directory

# fin STATUS STEP COMMAND: records the end, then ends the task.
fin() {
	printf '{"exitCode":%d,"step":%d,"command":%d}\n' "$1" "$2" "$3" >"$s/exit.tmp" && mv -f "$s/exit.tmp" "$s/exit.json"
	end
}

# end: removes the environment files and kills the task's process group,
# this shell included: as in a container whose main process exits, no
# process a command left behind outlives the task (nor holds its lock or
# its output open).
end() {
	rm -f "$s"/env.*
	kill -KILL 0
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
		[ ! -e "$s/cancel.json" ] || end
		eval "c=\$__DP_C_${i}_$j"
		run "$i" "$c"
		rc=$?
		[ "$rc" = 0 ] || fin "$rc" "$i" "$j"
		j=$((j + 1))
	done
	i=$((i + 1))
done
fin 0 -1 -1
