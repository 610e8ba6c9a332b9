package collector

import "encoding/json"

// decodeJSON decodes an answer the way the API client does for a collector,
// so that tests and fuzzers can feed the collectors' types from fixtures.
func decodeJSON[T any](b []byte) (T, error) {
	var v T
	err := json.Unmarshal(b, &v)
	return v, err
}

// decodeFrom is a legacyParser's decode that reads b instead of the API.
func decodeFrom(b []byte) func(any) error {
	return func(v any) error { return json.Unmarshal(b, v) }
}
