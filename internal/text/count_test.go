package text

import "testing"

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		got, want string
	}{
		{Count(0, "product", "products"), "0 products"},
		{Count(1, "product", "products"), "1 product"},
		{Count(2, "entry", "entries"), "2 entries"},
		{CountFloat(1, "AI credit", "AI credits"), "1 AI credit"},
		{CountFloat(1.5, "AI credit", "AI credits"), "1.5 AI credits"},
		{CountFloat(0, "AI credit", "AI credits"), "0 AI credits"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
