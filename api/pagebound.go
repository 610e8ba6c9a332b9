package api

import (
	"fmt"
	"math"
	"strconv"
)

// LooselyCounted is implemented by page types of listings whose pages state
// a total of something other than their entries: consumed-licenses'
// total_seats_consumed counts seats, and one entry is one user, so the two
// need not match. Such a total does not fail a listing that holds fewer
// entries (Counted does), but it bounds how many pages the listing may run
// to, with twice the slack (pageBound).
type LooselyCounted interface {
	// LooseCount returns the total the page states, if valid, and the
	// number of entries the page holds.
	LooseCount() (total Number, items int)
}

// pageBound keeps a listing within what its first page stated. With a
// total, the listing may run to the pages that total fills at PerPage, plus
// one (an entry added while it is read); where the total counts something
// other than entries, twice those pages, plus one. Without one, MaxPages.
//
// A listing that states a total is also held to the page size asked for:
// two pages in a row that each hold fewer than half of the entries asked
// for and still link to a next page fail it. Offset pagination fills every
// page but the last, so only a listing that does not page as asked does
// that, and its total would then bound nothing (an endless chain of one
// entry a page claiming a million seats would cost MaxPages requests).
type pageBound struct {
	total Number
	loose bool
	size  int // entries a full page holds
	limit int
	short int // pages in a row that held less than half a page and linked on
}

// newPageBound bounds a listing by page 1's total, at size entries a page
// (PerPage, the size asked for, unless the listing is known to serve fewer).
func newPageBound(total Number, loose bool, size int) *pageBound {
	b := &pageBound{total: total, loose: loose, size: size, limit: MaxPages}
	if !total.Valid || total.Value < 0 {
		b.total = Number{}
		return b
	}
	need := MaxPages
	if pages := math.Ceil(total.Value / float64(size)); pages < MaxPages {
		need = max(int(pages), 1)
	}
	if loose {
		need *= 2
	}
	b.limit = min(need+1, MaxPages)
	return b
}

// stated reports whether page 1 stated a total.
func (b *pageBound) stated() bool { return b.total.Valid }

func (b *pageBound) totalText() string {
	s := "page 1 stated a total of " + strconv.FormatFloat(b.total.Value, 'f', -1, 64)
	if b.loose {
		s += " (not of entries, so twice the pages are allowed)"
	}
	return s
}

// allows checks that a listing of n pages stays within the bound.
func (b *pageBound) allows(n int) error {
	if !b.stated() || n <= b.limit {
		return nil
	}
	return fmt.Errorf("%s, which fills at most %d pages of %d, but the listing runs to page %d", b.totalText(), b.limit, b.size, n)
}

// next checks, after page p (which held items entries and links to a next
// page), that page p+1 may be fetched.
func (b *pageBound) next(p, items int) error {
	if err := b.allows(p + 1); err != nil {
		return err
	}
	if !b.stated() {
		return nil
	}
	if items*2 >= b.size {
		b.short = 0
		return nil
	}
	if b.short++; b.short >= 2 {
		return fmt.Errorf("%s, but pages %d and %d held fewer than half of the %d entries a page holds and still link to a next page", b.totalText(), p-1, p, b.size)
	}
	return nil
}
