// Package athinaexporter is the athina exporter: a traces exporter for the
// OpenTelemetry Collector that picks the LLM calls out of a pipeline's spans,
// turns each into an Athina inference log and POSTs it to Athina's log API.
// Translation lives in the translate package and configuration in the config
// package; this package owns the component's lifecycle and the sending.
//
//go:generate mdatagen metadata.yaml
package athinaexporter // import "github.com/athina-otel/athinaexporter/exporter"
