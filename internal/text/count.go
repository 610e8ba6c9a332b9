// Package text holds wording shared by the summaries that people read in
// check, the status page and the log.
package text

import "fmt"

// Count is n and the noun that agrees with it: "1 product", "2 products",
// "0 products".
func Count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// CountFloat is Count for a figure that may have a fraction (AI credits).
func CountFloat(n float64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%g %s", n, many)
}
