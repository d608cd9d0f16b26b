// Package units writes sizes for people, the same way wherever the
// project shows them (events, dpctl).
package units

import "fmt"

// IEC writes a number of bytes with a binary prefix and one decimal:
// "512 B", "1.5 KiB", "3.0 GiB".
func IEC(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 5; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}
