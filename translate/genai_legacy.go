package translate

import (
	"cmp"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// Keys and span events of the GenAI conventions before v1.37: content as
// span events (v1.26–1.27), per-message events (v1.28–1.36) bridged onto
// spans, and plain gen_ai.prompt / gen_ai.completion attributes.
const (
	keyLegacyPrompt     = "gen_ai.prompt"
	keyLegacyCompletion = "gen_ai.completion"

	eventContentPrompt     = "gen_ai.content.prompt"
	eventContentCompletion = "gen_ai.content.completion"
	eventChoice            = "gen_ai.choice"
)

// messageEventRole returns the role a legacy per-message event stands for,
// or "" when name is not one.
func messageEventRole(name string) string {
	switch name {
	case "gen_ai.system.message":
		return "system"
	case "gen_ai.user.message":
		return "user"
	case "gen_ai.assistant.message":
		return "assistant"
	case "gen_ai.tool.message":
		return "tool"
	}
	return ""
}

// readGenAILegacy reads the legacy GenAI forms ([GL] sources of spec S.4).
// For content the order is: message and choice events, then the
// gen_ai.content.* events, then the plain attributes.
func readGenAILegacy(in spanInput, d *draft) {
	var provider, promptTokens, completionTokens, prompt, completion pcommon.Value
	for k, v := range in.span.Attributes().All() {
		switch k {
		case "gen_ai.system":
			provider = v
		case "gen_ai.usage.prompt_tokens":
			promptTokens = v
		case "gen_ai.usage.completion_tokens":
			completionTokens = v
		case keyLegacyPrompt:
			prompt = v
		case keyLegacyCompletion:
			completion = v
		}
	}
	d.setCustom("provider", str(provider))
	d.setTokens(promptTokens, completionTokens, pcommon.Value{})

	if d.rec.Prompt == nil || !d.responseSet {
		readLegacyEvents(in.span.Events(), d)
	}
	if d.rec.Prompt == nil && present(prompt) {
		d.setPrompt(readMessages(prompt))
	}
	if !d.responseSet && present(completion) {
		d.setResponse(readMessages(completion))
	}
}

// timedMessage is a message event with the time it was recorded.
type timedMessage struct {
	at  pcommon.Timestamp
	msg wireMessage
}

// readLegacyEvents reads the legacy content events. A message event's
// attributes are its body: content, role, tool_calls, id.
func readLegacyEvents(events ptrace.SpanEventSlice, d *draft) {
	var (
		msgs               []timedMessage
		choice             *wireMessage
		choiceIndex        int64
		prompt, completion pcommon.Value
	)
	for i := 0; i < events.Len(); i++ {
		ev := events.At(i)
		name := ev.Name()
		if role := messageEventRole(name); role != "" {
			m := messageFromMap(ev.Attributes())
			if m.Role == "" {
				m.Role = anyText(role)
			}
			msgs = append(msgs, timedMessage{at: ev.Timestamp(), msg: m})
			continue
		}
		switch name {
		case eventChoice:
			idx, _ := intValue(getAttr(ev.Attributes(), "index"))
			if choice == nil || idx < choiceIndex {
				m := messageFromMap(ev.Attributes())
				choice, choiceIndex = &m, idx
			}
		case eventContentPrompt:
			if !present(prompt) {
				prompt = getAttr(ev.Attributes(), keyLegacyPrompt)
			}
		case eventContentCompletion:
			if !present(completion) {
				completion = getAttr(ev.Attributes(), keyLegacyCompletion)
			}
		}
	}

	if d.rec.Prompt == nil && len(msgs) > 0 {
		slices.SortStableFunc(msgs, func(a, b timedMessage) int { return cmp.Compare(a.at, b.at) })
		prompt := make([]Message, 0, len(msgs))
		for i := range msgs {
			prompt = appendOpenAI(prompt, &msgs[i].msg, "user")
		}
		d.rec.Prompt = prompt
	}
	if d.rec.Prompt == nil && present(prompt) {
		d.setPrompt(readMessages(prompt))
	}

	if choice != nil && !d.responseSet {
		d.setResponse([]wireMessage{*choice}, "")
		if r := choice.choice().FinishReason; r != "" {
			d.setCustom("finish_reasons", []string{finishReason(string(r))})
		}
	}
	if !d.responseSet && present(completion) {
		d.setResponse(readMessages(completion))
	}
}
