package translate

import (
	"encoding/json"
	"strconv"
	"strings"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// ranked is a record field that several attributes may fill. The value
// with the lowest rank wins whatever order the attributes come in: the
// priority lists of spec S.4 interleave conventions (session.id, then
// OpenLLMetry's association property, then gen_ai.conversation.id), which
// reader order alone cannot express.
type ranked struct {
	val  string
	rank uint8
}

func (r *ranked) offer(rank uint8, s string) {
	if s != "" && (r.val == "" || rank < r.rank) {
		r.val, r.rank = s, rank
	}
}

// fill takes from's value when r has none.
func (r *ranked) fill(from ranked) {
	if r.val == "" {
		*r = from
	}
}

// segment holds the fields that say who, where and in which session a call
// was made. Unlike content they are inherited from ancestor spans (spec
// S.3), so they are read on their own, from any span.
type segment struct {
	session, user, customer, environment, promptSlug ranked

	tags     []string
	tagsRank uint8

	// metadata is user metadata that names no record field; it becomes
	// custom_attributes.
	metadata map[string]any
}

// Ranks of each segmentation field's sources, in the order of its S.4 row.
// Metadata keys named like the field (metaSource) come last.
const (
	sessionOTel      uint8 = iota // session.id
	sessionTraceloop              // traceloop.association.properties.session_id
	sessionGenAI                  // gen_ai.conversation.id
	sessionVercel                 // ai.telemetry.metadata.sessionId
	sessionVercel7                // ai.settings.context.sessionId
	sessionOI                     // a session_id key in the OpenInference metadata
)

const (
	userOTel      uint8 = iota // user.id
	userTraceloop              // traceloop.association.properties.user_id
	userEnduser                // enduser.id
	userRequest                // gen_ai.user, llm.user: OpenAI's user request parameter
	userVercel                 // ai.telemetry.metadata.userId
	userVercel7                // ai.settings.context.userId
	userOI                     // a user_id key in the OpenInference metadata
)

const (
	customerTraceloop uint8 = iota // traceloop.association.properties.customer_id
	customerOI                     // customer_id, customerId or tenant_id in the metadata
	customerVercel
	customerVercel7
)

const (
	envName uint8 = iota // deployment.environment.name on the span
	envOld               // deployment.environment on the span
	envOI                // environment or env in the metadata
	envVercel
	envVercel7
	envTraceloop
)

const (
	slugGenAI     uint8 = iota // gen_ai.prompt.name
	slugTraceloop              // traceloop.prompt.key
	slugOIPrompt               // prompt.id
	slugOI                     // prompt_slug in the metadata
	slugVercel
	slugVercel7
	slugTraceloopMeta
)

const (
	tagsOI        uint8 = iota // tag.tags
	tagsVercel                 // ai.telemetry.metadata.tags
	tagsTraceloop              // traceloop.association.properties.tags
	tagsVercel7                // ai.settings.context.tags
	tagsOIMeta                 // tags in the OpenInference metadata
)

// metaSource is one producer of user metadata.
type metaSource uint8

const (
	fromTraceloop metaSource = iota // traceloop.association.properties.*
	fromOI                          // OpenInference metadata
	fromVercel                      // ai.telemetry.metadata.*
	fromVercel7                     // ai.settings.context.*
)

// metaRanks are the ranks a metadata source's field-named keys get.
type metaRanks struct {
	session, user, customer, environment, promptSlug, tags uint8
}

func (m metaSource) ranks() metaRanks {
	switch m {
	case fromTraceloop:
		return metaRanks{sessionTraceloop, userTraceloop, customerTraceloop, envTraceloop, slugTraceloopMeta, tagsTraceloop}
	case fromOI:
		return metaRanks{sessionOI, userOI, customerOI, envOI, slugOI, tagsOIMeta}
	case fromVercel:
		return metaRanks{sessionVercel, userVercel, customerVercel, envVercel, slugVercel, tagsVercel}
	}
	return metaRanks{sessionVercel7, userVercel7, customerVercel7, envVercel7, slugVercel7, tagsVercel7}
}

// Metadata prefixes: [OLL] association properties, [V] ai.telemetry.metadata
// (AI SDK ≤ 6), [V7] runtime context (the docs call it runtimeContext, the
// code context).
const (
	prefixTraceloopAssoc = "traceloop.association.properties."
	prefixVercelMeta     = "ai.telemetry.metadata."
	prefixVercelContext  = "ai.settings.context."
	prefixVercelRuntime  = "ai.settings.runtimeContext."
)

// read gathers the segmentation fields among attrs, from every convention.
// It looks at a key's first letter first: most keys of an LLM span are
// gen_ai.* content and options (gen_ai.prompt.3.content), which then meet
// four cases instead of every key this reads.
func (s *segment) read(attrs pcommon.Map) {
	for k, v := range attrs.All() {
		if k == "" {
			continue
		}
		switch k[0] {
		case 'g':
			switch k {
			case "gen_ai.conversation.id":
				s.session.offer(sessionGenAI, str(v))
			case "gen_ai.user":
				s.user.offer(userRequest, str(v))
			case "gen_ai.prompt.name":
				s.promptSlug.offer(slugGenAI, str(v))
			case "gen_ai.agent.name":
				// Often only on the invoke_agent span (spec S.3), so inherited.
				s.keep("agent_name", v.AsRaw())
			}
		case 't':
			switch k {
			case "traceloop.prompt.key":
				s.promptSlug.offer(slugTraceloop, str(v))
			case "tag.tags":
				s.offerTags(tagsOI, tagList(v.AsRaw()))
			default:
				if rest, ok := strings.CutPrefix(k, prefixTraceloopAssoc); ok {
					s.putMetaAttr(fromTraceloop, rest, v)
				}
			}
		case 'a':
			if rest, ok := strings.CutPrefix(k, prefixVercelMeta); ok {
				s.putMetaAttr(fromVercel, rest, v)
			} else if rest, ok := strings.CutPrefix(k, prefixVercelContext); ok {
				s.putMetaAttr(fromVercel7, rest, v)
			} else if rest, ok := strings.CutPrefix(k, prefixVercelRuntime); ok {
				s.putMetaAttr(fromVercel7, rest, v)
			}
		default:
			switch k {
			case "session.id":
				s.session.offer(sessionOTel, str(v))
			case "user.id":
				s.user.offer(userOTel, str(v))
			case "enduser.id":
				s.user.offer(userEnduser, str(v))
			case "llm.user":
				s.user.offer(userRequest, str(v))
			case "deployment.environment.name":
				s.environment.offer(envName, str(v))
			case "deployment.environment":
				s.environment.offer(envOld, str(v))
			case "prompt.id":
				s.promptSlug.offer(slugOIPrompt, str(v))
			case "metadata":
				s.readMetadata(v)
			}
		}
	}
}

// readMetadata reads [OI] metadata: a JSON object (or a structured map)
// whose top-level keys are kept, one level deep.
func (s *segment) readMetadata(v pcommon.Value) {
	switch v.Type() {
	case pcommon.ValueTypeMap:
		for k, item := range v.Map().All() {
			s.putMetaAttr(fromOI, k, item)
		}
	case pcommon.ValueTypeStr:
		// The first JSON value, when it is an object, as json.Decoder with
		// UseNumber (integers kept exact) would decode it; nothing from a
		// malformed one. Its members are filed in their order, as a map
		// attribute's are, so that of two keys for one field (session_id
		// and sessionId) the first wins, whatever a map's order.
		r := jsonReader[string]{data: contentJSON(v.Str())}
		if r.peek() != '{' {
			return
		}
		check := r
		if check.skipValue(); check.bad {
			return
		}
		for more := r.enterObject(); more; more = r.nextMember() {
			key := r.key // read before the value, which moves r.key on
			if r.peek() == '"' {
				lit, escaped := r.str()
				s.putMetaText(fromOI, key, unquoteJSON(lit, escaped))
				continue
			}
			s.putMeta(fromOI, key, readAny(&r))
		}
	}
}

// putMeta files one metadata entry: a key named like a record field fills
// that field, anything else is kept for custom_attributes.
func (s *segment) putMeta(from metaSource, key string, raw any) {
	if key == "tags" {
		s.offerTags(from.ranks().tags, tagList(raw))
	} else if field, rank := s.metaField(from, key); field != nil {
		field.offer(rank, rawText(raw))
	} else {
		s.keep(key, raw)
	}
}

// putMetaAttr is putMeta for an attribute's value. A string, which most
// are, goes to its field without the allocation AsRaw's boxing costs.
func (s *segment) putMetaAttr(from metaSource, key string, v pcommon.Value) {
	if v.Type() != pcommon.ValueTypeStr {
		s.putMeta(from, key, v.AsRaw())
	} else {
		s.putMetaText(from, key, str(v))
	}
}

// putMetaText is putMeta for a string.
func (s *segment) putMetaText(from metaSource, key, text string) {
	if key == "tags" {
		s.putMeta(from, key, text)
	} else if field, rank := s.metaField(from, key); field != nil {
		field.offer(rank, rawText(text))
	} else {
		s.keep(key, text)
	}
}

// metaField returns the segmentation field a metadata key of from names
// and the rank from's value has there; nil for a key that is kept as a
// custom attribute.
func (s *segment) metaField(from metaSource, key string) (*ranked, uint8) {
	src := from.ranks()
	switch key {
	case "session_id", "sessionId":
		return &s.session, src.session
	case "user_id", "userId":
		return &s.user, src.user
	case "customer_id", "customerId", "tenant_id", "tenantId":
		return &s.customer, src.customer
	case "environment", "env":
		return &s.environment, src.environment
	case "prompt_slug", "promptSlug":
		return &s.promptSlug, src.promptSlug
	}
	return nil, 0
}

// keep keeps a metadata entry for custom_attributes; the first value of a
// key wins.
func (s *segment) keep(key string, raw any) {
	v := metaValue(raw)
	if key == "" || v == nil {
		return
	}
	if s.metadata == nil {
		s.metadata = make(map[string]any, 4)
	}
	if _, ok := s.metadata[key]; !ok {
		s.metadata[key] = v
	}
}

func (s *segment) offerTags(rank uint8, tags []string) {
	if len(tags) > 0 && (s.tags == nil || rank < s.tagsRank) {
		s.tags, s.tagsRank = tags, rank
	}
}

// fill takes the fields s lacks from from: an ancestor (S.3) or the
// wrapper of the same call (S.2 W3).
func (s *segment) fill(from *segment) {
	s.session.fill(from.session)
	s.user.fill(from.user)
	s.customer.fill(from.customer)
	s.environment.fill(from.environment)
	s.promptSlug.fill(from.promptSlug)
	if s.tags == nil {
		s.tags, s.tagsRank = from.tags, from.tagsRank
	}
	for k, v := range from.metadata {
		if s.metadata == nil {
			s.metadata = make(map[string]any, len(from.metadata))
		}
		if _, ok := s.metadata[k]; !ok {
			s.metadata[k] = v
		}
	}
}

// rawText is a metadata value as text: strings as they are, numbers and
// bools formatted, anything else none.
func rawText(raw any) string {
	switch v := raw.(type) {
	case string:
		if v == redacted {
			return ""
		}
		return v
	case json.Number:
		return v.String()
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		if finite(v) {
			return strconv.FormatFloat(v, 'g', -1, 64)
		}
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// metaValue is a metadata value for custom_attributes: scalars as they are,
// lists and objects as their JSON text (metadata is flattened one level).
func metaValue(raw any) any {
	switch v := raw.(type) {
	case string:
		if v == "" || v == redacted {
			return nil
		}
		return v
	case json.Number, int64, bool:
		return v
	case float64:
		if !finite(v) {
			return nil
		}
		return v
	case nil:
		return nil
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return nil
	}
	return string(data)
}

// tagList reads tags given as a list, a JSON array in a string or a comma
// separated string (spec S.4 tags).
func tagList(raw any) []string {
	var items []any
	switch v := raw.(type) {
	case []any:
		items = v
	case string:
		s := strings.TrimSpace(v)
		if strings.HasPrefix(s, "[") {
			var list []anyText
			if decodeJSON([]byte(s), &list) {
				out := make([]string, 0, len(list))
				for _, t := range list {
					if t := strings.TrimSpace(string(t)); t != "" {
						out = append(out, t)
					}
				}
				return out
			}
		}
		for t := range strings.SplitSeq(s, ",") {
			items = append(items, t)
		}
	}
	var out []string
	for _, item := range items {
		if t := strings.TrimSpace(rawText(item)); t != "" {
			out = append(out, t)
		}
	}
	return out
}
