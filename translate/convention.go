package translate

import (
	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// A convention reads one attribute dialect into records. Conventions run in
// the order conventions lists them; each fills only fields still empty, so
// an earlier convention wins a field both define. Adding a dialect
// (OpenLLMetry, OpenInference, Vercel AI SDK) means adding one entry.
type convention struct {
	// classify returns the class the convention gives a span, or
	// classUnknown when its attributes say nothing. It must not allocate:
	// it runs for every span. nil when the convention has no signal.
	classify func(attrs pcommon.Map) class

	// read fills the record fields the convention defines.
	read func(in spanInput, d *draft)
}

// conventions returns the conventions in priority order.
func conventions() []convention {
	return []convention{
		{classify: classifyGenAI, read: readGenAI}, // OTel GenAI v1.37+
		{read: readGenAILegacy},                    // OTel GenAI before v1.37
	}
}

// spanInput is the span a reader reads, with its resource and scope.
type spanInput struct {
	res   pcommon.Resource
	scope pcommon.InstrumentationScope
	span  ptrace.Span
}

// draft is a record being filled by the readers, plus what they need to
// tell each other.
type draft struct {
	rec Record

	// responseSet is true once a reader found the output, even when it had
	// no text (only tool calls), so later readers leave it alone.
	responseSet bool

	// system is the text of separately passed system instructions; it is
	// prepended to the prompt at the end unless the prompt has its own.
	system string
}

// setCustom sets custom attribute key unless it is set or v is empty.
func (d *draft) setCustom(key string, v any) {
	switch v := v.(type) {
	case string:
		if v == "" {
			return
		}
	case []string:
		if len(v) == 0 {
			return
		}
	}
	if _, ok := d.rec.CustomAttributes[key]; !ok {
		d.rec.CustomAttributes[key] = v
	}
}

// setTokens sets the token counts still unknown.
func (d *draft) setTokens(prompt, completion, total pcommon.Value) {
	setInt(&d.rec.PromptTokens, prompt)
	setInt(&d.rec.CompletionTokens, completion)
	setInt(&d.rec.TotalTokens, total)
}

func setInt(dst **int64, v pcommon.Value) {
	if *dst != nil {
		return
	}
	if n, ok := intValue(v); ok && n >= 0 {
		*dst = &n
	}
}

// setOnce sets *dst to v unless it is set.
func setOnce[T any](dst **T, v T) {
	if *dst == nil {
		*dst = &v
	}
}

func setString(dst *string, v pcommon.Value) {
	if *dst == "" {
		*dst = str(v)
	}
}

// options returns the record's model options, creating them on first use
// so a span without any stays nil.
func (d *draft) options() *ModelOptions {
	if d.rec.ModelOptions == nil {
		d.rec.ModelOptions = &ModelOptions{}
	}
	return d.rec.ModelOptions
}

// setExtra sets an extra model option unless it is set.
func (d *draft) setExtra(key string, v any) {
	o := d.options()
	if o.ExtraOptions == nil {
		o.ExtraOptions = make(map[string]any, 4)
	}
	if _, ok := o.ExtraOptions[key]; !ok {
		o.ExtraOptions[key] = v
	}
}

// setPrompt sets the prompt from decoded messages, or from text that was
// not a message list, unless a reader set it already.
func (d *draft) setPrompt(msgs []wireMessage, text string) {
	if d.rec.Prompt == nil {
		d.rec.Prompt = promptOf(msgs, text)
	}
}

// setResponse sets the response from the first of the decoded output
// messages (the first choice), or from text, unless a reader set it already.
func (d *draft) setResponse(msgs []wireMessage, text string) {
	if d.responseSet {
		return
	}
	switch {
	case len(msgs) > 0:
		d.rec.Response, d.rec.ToolCalls = responseOf(&msgs[0])
		d.responseSet = true
	case text != "":
		d.rec.Response = text
		d.responseSet = true
	}
}
