package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Body caps per kind of answer. A page of 100 entries is tens of KB; a
// single object (a license, a summary) a few KB; the detailed usage report
// of a month can run to megabytes. A hostile or broken API that sends an
// endless body is cut off at the cap, and because answers are decoded an
// element at a time (decodeStream), what the decoder buffers is bounded by
// MaxElementBytes, not by the cap.
const (
	MaxPageBytes    = 1 << 20
	MaxJSONBytes    = 4 << 20
	MaxReportBytes  = 16 << 20
	MaxElementBytes = 256 << 10
)

var errElementTooLarge = errors.New("one element of the answer is larger than the exporter accepts")

// markReader counts the bytes read since the last mark, so that no single
// element of a streamed answer can make the decoder buffer grow without
// bound.
type markReader struct {
	r     io.Reader
	since int64
	max   int64
}

func (m *markReader) mark() { m.since = 0 }

func (m *markReader) Read(p []byte) (int, error) {
	if m.since > m.max {
		return 0, errElementTooLarge
	}
	n, err := m.r.Read(p)
	m.since += int64(n)
	return n, err
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// decodeStream decodes the JSON answer in r into v, a pointer. A struct's
// slice fields and a top-level array are decoded one element at a time, so
// the decoder holds one element in its buffer, never the whole answer;
// anything else is decoded as encoding/json would. Keys match fields as in
// encoding/json (the json tag, case-insensitively); unknown keys are
// skipped.
func decodeStream(r io.Reader, v any) error {
	mr := &markReader{r: r, max: MaxElementBytes}
	dec := json.NewDecoder(mr)
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || reflect.PointerTo(rv.Elem().Type()).Implements(unmarshalerType) {
		return dec.Decode(v)
	}
	ev := rv.Elem()
	switch ev.Kind() {
	case reflect.Slice:
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if tok == nil { // null
			return nil
		}
		if d, ok := tok.(json.Delim); !ok || d != '[' {
			return fmt.Errorf("expected a JSON array, got %v", tok)
		}
		return decodeElements(dec, mr, ev)
	case reflect.Struct:
	default:
		return dec.Decode(v)
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("expected a JSON object, got %v", tok)
	}
	for dec.More() {
		mr.mark()
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := kt.(string)
		f, ok := fieldByKey(ev, key)
		if !ok {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return err
			}
			continue
		}
		if f.Kind() != reflect.Slice || reflect.PointerTo(f.Type()).Implements(unmarshalerType) {
			if err := dec.Decode(f.Addr().Interface()); err != nil {
				return err
			}
			continue
		}
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch d, _ := tok.(json.Delim); {
		case d == '[':
			f.SetZero()
			if err := decodeElements(dec, mr, f); err != nil {
				return err
			}
		case d != 0: // an object where a list belongs
			return fmt.Errorf("key %q: expected a JSON array", key)
		default: // null or a scalar: no elements, leniently
		}
	}
	_, err = dec.Token() // the closing }
	return err
}

// decodeElements appends the elements of the array whose [ was just read.
func decodeElements(dec *json.Decoder, mr *markReader, slice reflect.Value) error {
	for dec.More() {
		mr.mark()
		elem := reflect.New(slice.Type().Elem())
		if err := dec.Decode(elem.Interface()); err != nil {
			return err
		}
		slice.Set(reflect.Append(slice, elem.Elem()))
	}
	_, err := dec.Token() // the closing ]
	return err
}

// fieldByKey finds the struct field a JSON key decodes into.
func fieldByKey(v reflect.Value, key string) (reflect.Value, bool) {
	t := v.Type()
	var fold reflect.Value
	for i := range t.NumField() {
		sf := t.Field(i)
		if !sf.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		if name == key {
			return v.Field(i), true
		}
		if !fold.IsValid() && strings.EqualFold(name, key) {
			fold = v.Field(i)
		}
	}
	return fold, fold.IsValid()
}
