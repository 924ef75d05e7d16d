package translate

import (
	"cmp"
	"slices"

	"go.opentelemetry.io/collector/pdata/pcommon"
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

// readGenAIMessageEvents reads the legacy GenAI attributes and the
// per-message events ([GL] tier 3 of spec S.4): gen_ai.{system,user,
// assistant,tool}.message in timestamp order for the prompt, the first
// gen_ai.choice for the response.
func readGenAIMessageEvents(in spanInput, d *draft) {
	d.setText("provider", str(d.legacy.provider))
	d.setTokens(d.legacy.promptTokens, d.legacy.completionTokens, pcommon.Value{})
	if d.rec.Prompt != nil && d.responseSet {
		return
	}

	events := in.span.Events()
	if events.Len() == 0 {
		return
	}
	var (
		msgs        []timedMessage
		choice      *wireMessage
		choiceIndex int64
	)
	// The messages' texts go into one array, and the list is made once.
	texts, n := 0, 0
	for i := 0; i < events.Len(); i++ {
		if ev := events.At(i); messageEventRole(ev.Name()) != "" {
			texts += len(str(getAttr(ev.Attributes(), "content")))
			n++
		}
	}
	var arena textArena
	if n > 0 {
		arena = newTextArena(texts)
		msgs = make([]timedMessage, 0, n)
	}
	for i := 0; i < events.Len(); i++ {
		ev := events.At(i)
		name := ev.Name()
		if role := messageEventRole(name); role != "" {
			m := messageFromMap(ev.Attributes(), &arena)
			if m.Role == "" {
				m.Role = anyText(role)
			}
			msgs = append(msgs, timedMessage{at: ev.Timestamp(), msg: m})
			continue
		}
		if name == eventChoice {
			idx, _ := intValue(getAttr(ev.Attributes(), "index"))
			if choice == nil || idx < choiceIndex {
				m := messageFromMap(ev.Attributes(), nil)
				choice, choiceIndex = &m, idx
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
	if choice != nil && !d.responseSet {
		d.setResponse([]wireMessage{*choice}, "")
		if r := choice.choice().FinishReason; r != "" {
			d.setFinishReason(string(r))
		}
	}
}

// timedMessage is a message event with the time it was recorded.
type timedMessage struct {
	at  pcommon.Timestamp
	msg wireMessage
}

// readGenAIContent reads the oldest GenAI content forms ([GL] tier 7 of
// spec S.4): the gen_ai.content.prompt / gen_ai.content.completion events of
// v1.26–1.27, then plain gen_ai.prompt / gen_ai.completion attributes.
func readGenAIContent(in spanInput, d *draft) {
	if d.rec.Prompt != nil && d.responseSet {
		return
	}
	var prompt, completion pcommon.Value
	events := in.span.Events()
	for i := 0; i < events.Len(); i++ {
		switch ev := events.At(i); ev.Name() {
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
	if attrs := in.span.Attributes(); d.keys&keysGenAIContent != 0 {
		if !present(prompt) {
			prompt = getAttr(attrs, keyLegacyPrompt)
		}
		if !present(completion) {
			completion = getAttr(attrs, keyLegacyCompletion)
		}
	}
	if d.rec.Prompt == nil && present(prompt) {
		d.setPromptFrom(prompt)
	}
	if !d.responseSet && present(completion) {
		d.setResponse(readMessages(completion))
	}
}
