package translate

import (
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// contextSeparator joins the documents of the RAG context.
const contextSeparator = "\n\n"

// addContext sets the RAG context of LLM record i (spec S.4 context): the
// documents of the retrieval span that ended last before the call started,
// looking first among the spans under the call's parent, then under each
// further ancestor. Its query becomes the user_query fallback.
//
// One retrieval span, not all of them: a reranker after a retriever, or a
// second retrieval round, supersedes what came before.
func (b *batch) addContext(i int32, d *draft, limit int) {
	start := b.nodes[i].in.span.StartTimestamp()
	from := i
	for p := range b.ancestors(i) {
		if r := b.latestRetrieval(p, from, start); r != nil {
			d.rec.Context = joinDocs(r.docs, limit)
			d.query = r.query
			return
		}
		from = p
	}
}

// latestRetrieval returns the retrieval with documents, under root but not
// under skip, that ended last at or before start; nil when there is none.
func (b *batch) latestRetrieval(root, skip int32, start pcommon.Timestamp) *retrieval {
	var (
		best    *retrieval
		bestEnd pcommon.Timestamp
	)
	for j := range b.subtree(root, skip) {
		n := &b.nodes[j]
		if n.class != classRetriever {
			continue
		}
		end := n.in.span.EndTimestamp()
		if end > start || (best != nil && end <= bestEnd) {
			continue
		}
		if n.docs == nil {
			n.docs = readRetrieval(n.in.span)
		}
		if len(n.docs.docs) > 0 {
			best, bestEnd = n.docs, end
		}
	}
	return best
}

// joinDocs joins the documents, stopping once the text is longer than
// limit (when there is one): truncate then cuts it and flags the cut.
func joinDocs(docs []string, limit int) string {
	var b strings.Builder
	for i, doc := range docs {
		if i > 0 {
			b.WriteString(contextSeparator)
		}
		b.WriteString(doc)
		if limit > 0 && b.Len() > limit {
			break
		}
	}
	return b.String()
}
