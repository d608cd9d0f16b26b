package testenv

// PIDs returns the process IDs of the control plane's servers by name
// ("etcd", "kube-apiserver" and, once StartControllers has started it,
// "kube-controller-manager"), for a benchmark that measures their CPU.
func (e *Env) PIDs() map[string]int {
	out := map[string]int{"etcd": e.etcd.PID(), "kube-apiserver": e.apiserver.PID()}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.controllerManager != nil {
		out["kube-controller-manager"] = e.controllerManager.PID()
	}
	return out
}
