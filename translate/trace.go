package translate

import (
	"iter"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// batch is the span tree of the traces in a batch that hold a record
// candidate: what the cross-span rules (spec S.2–S.4) walk. Spans of other
// traces are not indexed.
type batch struct {
	nodes      []node
	retrievers bool // some node is a retrieval span
}

// node is one span of the tree. Links are indices into batch.nodes, -1 for
// none; a parent that is not in the batch is none.
type node struct {
	in    spanInput
	ref   SpanRef
	class class
	keys  readerKeys

	parent, child, next int32 // parent, first child, next sibling

	wrapper bool  // an LLM span with an LLM descendant: not a record (W2)
	inner   int32 // for a wrapper, the records it wraps

	draft *draft   // read on demand: records and wrappers
	seg   *segment // read on demand: ancestors of records
	docs  *retrieval
}

type spanKey struct {
	trace pcommon.TraceID
	span  pcommon.SpanID
}

// related translates the candidates of a batch in which some span names a
// parent, applying the rules that need the trace around a span.
func (t *Translator) related(td ptrace.Traces, found []candidate, add func(SpanRef, Record, int)) {
	b := newBatch(td, found)
	b.nest(t.recordable)
	for i := range b.nodes {
		n := &b.nodes[i]
		if !t.recordable(n.class) || n.wrapper {
			continue
		}
		d := b.draftOf(t, int32(i))
		b.absorbWrappers(t, int32(i), d)
		b.inherit(int32(i), d)
		if d.class == classLLM && b.retrievers {
			b.addContext(int32(i), d, t.opts.MaxFieldBytes)
		}
		rec, truncated := t.finish(n.in, d)
		add(n.ref, rec, truncated)
	}
}

// newBatch indexes the spans of the candidates' traces, in batch order.
func newBatch(td ptrace.Traces, found []candidate) *batch {
	traces := make(map[pcommon.TraceID]struct{}, len(found))
	for i := range found {
		traces[found[i].in.span.TraceID()] = struct{}{}
	}
	b := &batch{}
	ids := make(map[spanKey]int32, 4*len(found))
	rss := td.ResourceSpans()
	for i := 0; i < rss.Len(); i++ {
		rs := rss.At(i)
		sss := rs.ScopeSpans()
		for j := 0; j < sss.Len(); j++ {
			ss := sss.At(j)
			spans := ss.Spans()
			for k := 0; k < spans.Len(); k++ {
				span := spans.At(k)
				if _, ok := traces[span.TraceID()]; !ok {
					continue
				}
				c, keys, _ := classifyKeys(span)
				b.retrievers = b.retrievers || c == classRetriever
				ids[spanKey{span.TraceID(), span.SpanID()}] = int32(len(b.nodes))
				b.nodes = append(b.nodes, node{
					in:     spanInput{res: rs.Resource(), scope: ss.Scope(), span: span},
					ref:    SpanRef{Resource: i, Scope: j, Span: k},
					class:  c,
					keys:   keys,
					parent: -1, child: -1, next: -1,
				})
			}
		}
	}
	for i := range b.nodes {
		span := b.nodes[i].in.span
		if p, ok := ids[spanKey{span.TraceID(), span.ParentSpanID()}]; ok && !span.ParentSpanID().IsEmpty() {
			b.nodes[i].parent = p
		}
	}
	b.breakCycles()
	// Children are linked in reverse batch order; nothing depends on it.
	for i := range b.nodes {
		if p := b.nodes[i].parent; p >= 0 {
			b.nodes[i].next = b.nodes[p].child
			b.nodes[p].child = int32(i)
		}
	}
	return b
}

// breakCycles drops the parent links that close a loop, which only a
// malformed batch has (a span its own ancestor): the span where the loop
// is found becomes a root. One pass, each node walked up once.
func (b *batch) breakCycles() {
	const (
		unseen uint8 = iota
		onPath
		done
	)
	state := make([]uint8, len(b.nodes))
	var path []int32
	for i := range b.nodes {
		path = path[:0]
		for j := int32(i); j >= 0 && state[j] == unseen; j = b.nodes[j].parent {
			state[j] = onPath
			path = append(path, j)
			if p := b.nodes[j].parent; p >= 0 && state[p] == onPath {
				b.nodes[j].parent = -1
			}
		}
		for _, j := range path {
			state[j] = done
		}
	}
}

// ancestors yields the ancestors of i, nearest first. A malformed batch may
// link spans in a cycle, so the walk stops after as many steps as there
// are nodes.
func (b *batch) ancestors(i int32) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		for p, steps := b.nodes[i].parent, 0; p >= 0 && p != i && steps < len(b.nodes); p, steps = b.nodes[p].parent, steps+1 {
			if !yield(p) {
				return
			}
		}
	}
}

// subtree yields the descendants of root except the subtree of skip, in
// depth-first order, visiting at most as many nodes as there are.
func (b *batch) subtree(root, skip int32) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		stack := []int32{root}
		for steps := 0; len(stack) > 0 && steps < len(b.nodes); steps++ {
			n := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for c := b.nodes[n].child; c >= 0; c = b.nodes[c].next {
				if c == skip || c == root {
					continue
				}
				if !yield(c) {
					return
				}
				stack = append(stack, c)
			}
		}
	}
}

// draftOf reads node i's span in full, once.
func (b *batch) draftOf(t *Translator, i int32) *draft {
	n := &b.nodes[i]
	if n.draft == nil {
		n.draft = t.draft(n.in, n.class, n.keys)
	}
	return n.draft
}

// segmentOf reads node i's segmentation fields, once.
func (b *batch) segmentOf(i int32) *segment {
	n := &b.nodes[i]
	if n.draft != nil {
		return &n.draft.seg
	}
	if n.seg == nil {
		n.seg = &segment{}
		n.seg.read(n.in.span.Attributes())
	}
	return n.seg
}

// inherit fills the segmentation fields d lacks from its ancestors,
// nearest first (spec S.3): context attributes and association properties
// are often set on a root or agent span only.
func (b *batch) inherit(i int32, d *draft) {
	for p := range b.ancestors(i) {
		d.seg.fill(b.segmentOf(p))
	}
}
