// Package translate turns LLM spans into Athina inference-log records.
//
// It is pure: spans in, records out. It does no I/O, keeps no state between
// calls and logs nothing; the exporter decides what to do with the records
// and the counts in a [Result].
//
// A span becomes a record only when it records one model call (an LLM span:
// chat, text completion, content generation), and, with
// [Options.IncludeEmbeddings], an embeddings call. Retrieval, tool, agent,
// workflow and wrapper spans are skipped, as are spans that carry no model
// call at all. Skipping is the common case, so classification reads each
// attribute once and allocates nothing (classify.go).
//
// Each attribute dialect (a convention) has its own reader: the
// OpenTelemetry GenAI semantic conventions, current and legacy (genai.go,
// genai_legacy.go, also AI SDK 7), OpenLLMetry (openllmetry.go),
// OpenInference (openinference.go) and the Vercel AI SDK (vercel.go).
// Readers run in the priority order of the spec and fill only the content
// fields an earlier reader left empty; the segmentation fields (session,
// user, customer, environment, prompt slug, tags, metadata) are read for
// all conventions at once and ranked (segment.go). The field mapping
// follows the "Field mapping spec" of docs/conventions.md.
//
// Within one batch, [Translator.Traces] relates the spans of a trace
// (trace.go): an LLM span wrapping another LLM call gives way to it and
// lends it what it lacks (nesting.go), records inherit segmentation fields
// from their ancestors, and LLM records take their RAG context from the
// retrieval span that ended last before them (context.go, retrieval.go).
// Spans of a trace that arrive in another batch are not seen: the exporter
// belongs behind the groupbytrace processor.
package translate // import "github.com/athina-otel/athinaexporter/translate"
