// Package translate turns LLM spans into Athina inference-log records.
//
// It is pure: spans in, records out. It does no I/O, keeps no state between
// calls and logs nothing; the exporter decides what to do with the records
// and the counts in a [Result].
//
// A span becomes a record only when it records one model call (an LLM span:
// chat, text completion, content generation). Embeddings, retrieval, tool,
// agent and workflow spans are skipped, as are spans that carry no model
// call at all. Skipping is the common case, so it looks at a couple of
// attributes and allocates nothing.
//
// Each attribute dialect (a convention) has its own reader; readers run in a
// fixed order and fill only the fields an earlier reader left empty. Today
// the readers cover the OpenTelemetry GenAI semantic conventions, current
// (gen_ai.input.messages and friends) and legacy (gen_ai.prompt,
// gen_ai.*.message span events). The field mapping follows the "Field
// mapping spec" of docs/conventions.md.
//
// Not here: cross-span logic (wrapper de-duplication, inheriting session or
// user ids from ancestors, RAG context from retrieval spans) needs the whole
// trace and belongs to the exporter.
package translate // import "github.com/athina-otel/athinaexporter/translate"
