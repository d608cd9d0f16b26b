package retention

import (
	"slices"

	"github.com/dpsdk/dataprotection/types/v1alpha1"
)

// protectChains drops from the sorted plan every parent that a kept Backup
// needs, transitively: a parent dropped from the plan is kept, so it
// protects its own parent. Each entry is rescued at most once, which bounds
// the walk and makes cycles harmless.
func (p *planner) protectChains() {
	if !p.hasParents {
		return
	}
	p.rescued = make([]bool, len(p.plan))
	var stack []int // plan positions rescued, whose parents are still to visit
	for i := range p.backups {
		b := &p.backups[i]
		if p.marks[i] != 0 || b.DeletionTimestamp != nil {
			continue
		}
		stack = p.rescueParents(b, stack)
		for len(stack) > 0 {
			k := stack[len(stack)-1]
			stack = p.rescueParents(&p.backups[p.plan[k].idx], stack[:len(stack)-1])
		}
	}
}

// rescueParents rescues the planned parents b names and pushes them onto
// stack.
func (p *planner) rescueParents(b *v1alpha1.Backup, stack []int) []int {
	if name := b.Spec.ParentBackupName; name != "" {
		stack = p.rescue(objectKey{b.Namespace, name}, stack)
	}
	if name := b.Status.ParentBackupName; name != "" && name != b.Spec.ParentBackupName {
		stack = p.rescue(objectKey{b.Namespace, name}, stack)
	}
	return stack
}

// rescue marks the plan entries of Backup key as rescued and pushes those
// not rescued before onto stack.
func (p *planner) rescue(key objectKey, stack []int) []int {
	k, _ := slices.BinarySearchFunc(p.plan, key, func(e entry, key objectKey) int { return compareKeys(e.key, key) })
	for ; k < len(p.plan) && p.plan[k].key == key; k++ {
		if !p.rescued[k] {
			p.rescued[k] = true
			stack = append(stack, k)
		}
	}
	return stack
}
