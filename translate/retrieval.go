package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// retrieval is what a retrieval span found: the documents' text and the
// query they were found for.
type retrieval struct {
	docs  []string
	query string
}

// Keys of retrieval spans (spec S.4 context).
const (
	keyOIDocuments       = "retrieval.documents."       // [OI] RETRIEVER: retrieval.documents.<N>.document.*
	keyOIRerankDocuments = "reranker.output_documents." // [OI] RERANKER: what the model was given
)

// readRetrieval reads a retrieval span of any convention. A reranker's
// output comes first: it is what follows the retriever and reaches the
// model.
func readRetrieval(span ptrace.Span) *retrieval {
	var (
		oiDocs, rerankDocs                 flatList
		genaiDocs, genaiQuery, rerankQuery pcommon.Value
		oiInput, taskOutput, taskInput     pcommon.Value
	)
	for k, v := range span.Attributes().All() {
		if oiDocs.add(k, keyOIDocuments, v) || rerankDocs.add(k, keyOIRerankDocuments, v) {
			continue
		}
		switch k {
		case "gen_ai.retrieval.documents":
			genaiDocs = v
		case "gen_ai.retrieval.query.text":
			genaiQuery = v
		case "reranker.query":
			rerankQuery = v
		case "input.value":
			oiInput = v
		case "traceloop.entity.output", "gen_ai.task.output":
			taskOutput = v
		case "traceloop.entity.input", "gen_ai.task.input":
			taskInput = v
		}
	}

	r := &retrieval{}
	for _, l := range [...]flatList{rerankDocs, oiDocs} {
		if r.docs != nil {
			break
		}
		for _, doc := range l.groups() {
			r.docs = appendDoc(r.docs, str(doc.get("document.content")))
		}
	}
	if r.docs == nil && present(genaiDocs) {
		r.docs = documentTexts(genaiDocs)
	}
	if r.docs == nil {
		r.docs = vectorResults(span.Events())
	}
	if r.docs == nil && present(taskOutput) {
		r.docs = documentTexts(taskOutput)
	}
	r.query = firstString(str(genaiQuery), str(rerankQuery), queryText(str(oiInput)), queryText(str(taskInput)))
	return r
}

// wireDocument is a retrieved document as GenAI (content or text, often
// absent: only id and score) and LangChain (page_content) write it.
type wireDocument struct {
	Content     anyText `json:"content"`
	Text        anyText `json:"text"`
	PageContent anyText `json:"page_content"`
}

// documentTexts reads a document list: a JSON array (or structured list)
// of documents, or OpenLLMetry's retriever output {"documents": [...]}.
func documentTexts(v pcommon.Value) []string {
	var docs []wireDocument
	switch v.Type() {
	case pcommon.ValueTypeStr:
		data := contentJSON(v.Str())
		switch {
		case len(data) == 0:
		case data[0] == '[':
			decodeJSON([]byte(data), &docs)
		case data[0] == '{':
			var out struct {
				Documents []wireDocument `json:"documents"`
			}
			decodeJSON([]byte(data), &out)
			docs = out.Documents
		}
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		for i := 0; i < sl.Len(); i++ {
			if item := sl.At(i); item.Type() == pcommon.ValueTypeMap {
				m := item.Map()
				docs = append(docs, wireDocument{
					Content:     textValue(getAttr(m, "content")),
					Text:        textValue(getAttr(m, "text")),
					PageContent: textValue(getAttr(m, "page_content")),
				})
			}
		}
	}
	var texts []string
	for i := range docs {
		texts = appendDoc(texts, string(firstText(docs[i].Content, docs[i].Text, docs[i].PageContent)))
	}
	return texts
}

// vectorResults reads OpenLLMetry's vector-database result events, one per
// hit, with the document under <event name>.document.
func vectorResults(events ptrace.SpanEventSlice) []string {
	var texts []string
	for i := 0; i < events.Len(); i++ {
		ev := events.At(i)
		if name := ev.Name(); name == eventQueryResult || name == eventSearchResult {
			texts = appendDoc(texts, str(getAttr(ev.Attributes(), name+".document")))
		}
	}
	return texts
}

// queryText returns a retriever's input as a query: the query of a JSON
// input, or the text itself.
func queryText(s string) string {
	if !strings.HasPrefix(strings.TrimSpace(s), "{") {
		return s
	}
	if q, ok := jsonObject(s)["query"].(string); ok {
		return q
	}
	return ""
}

// appendDoc keeps a document that has text.
func appendDoc(docs []string, text string) []string {
	if strings.TrimSpace(text) != "" {
		docs = append(docs, text)
	}
	return docs
}
