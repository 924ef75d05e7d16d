package loadtest

import (
	"bytes"
	"encoding/json"
	"fmt"

	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/athina-otel/athinaexporter/config"
	"github.com/athina-otel/athinaexporter/translate"
)

// RecordBodies returns the JSON bodies the athina exporter POSTs for td's
// LLM spans with the load test's exporter config (no environment, tags or
// prompt slug set; the default max_field_bytes), encoded as the exporter
// encodes them.
func RecordBodies(td ptrace.Traces) ([][]byte, error) {
	tr := translate.New(translate.Options{MaxFieldBytes: config.DefaultMaxFieldBytes})
	result := tr.Traces(td)

	bodies := make([][]byte, 0, len(result.Items))
	for i := range result.Items {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(&result.Items[i].Record); err != nil {
			return nil, fmt.Errorf("encoding record %d: %w", i, err)
		}
		bodies = append(bodies, buf.Bytes())
	}
	return bodies, nil
}
