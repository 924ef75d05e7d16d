package translate

import (
	"encoding/json"

	"go.opentelemetry.io/collector/pdata/pcommon"
)

// wireTool is a tool definition: the flat GenAI FunctionToolDefinition
// {type, name, description, parameters} or, from some producers, the OpenAI
// shape with the fields under "function". The Vercel AI SDK (v5+) calls the
// schema inputSchema.
type wireTool struct {
	Type        anyText         `json:"type"`
	Name        anyText         `json:"name"`
	Description anyText         `json:"description"`
	Parameters  json.RawMessage `json:"parameters"`
	InputSchema json.RawMessage `json:"inputSchema"`
	Function    *wireTool       `json:"function"`
}

// readTools reads a tool-definitions attribute (JSON string or structured
// array) into OpenAI tools. Definitions without a name are dropped.
func readTools(v pcommon.Value) []Tool {
	var defs []wireTool
	switch v.Type() {
	case pcommon.ValueTypeStr:
		data := contentJSON(str(v))
		switch {
		case len(data) == 0:
		case data[0] == '[':
			decodeWire(data, &defs, readWireTools)
		case data[0] == '{':
			var d wireTool
			if decodeWire(data, &d, readWireTool) {
				defs = append(defs, d)
			}
		}
	case pcommon.ValueTypeSlice:
		sl := v.Slice()
		defs = make([]wireTool, 0, sl.Len())
		var sc *listScratch // one reader for the definitions given as JSON text
		defer func() {
			if sc != nil {
				sc.release()
			}
		}()
		for i := 0; i < sl.Len(); i++ {
			switch item := sl.At(i); item.Type() {
			case pcommon.ValueTypeMap:
				defs = append(defs, toolFromMap(item.Map()))
			case pcommon.ValueTypeStr:
				if sc == nil {
					sc = takeListScratch("")
				}
				// As decodeWire, into the list: kept only when it is one
				// JSON value.
				sc.r = jsonReader[string]{data: contentJSON(item.Str())}
				defs = append(defs, wireTool{})
				if readWireTool(&sc.r, &defs[len(defs)-1]); !sc.r.atEnd() {
					defs = defs[:len(defs)-1]
				}
			}
		}
	case pcommon.ValueTypeMap:
		defs = append(defs, toolFromMap(v.Map()))
	}

	var tools []Tool
	if len(defs) > 1 {
		tools = make([]Tool, 0, len(defs))
	}
	for i := range defs {
		if t, ok := defs[i].openAI(); ok {
			tools = append(tools, t)
		}
	}
	if len(tools) == 0 {
		return nil // definitions without a name are no tools
	}
	return tools
}

func toolFromMap(m pcommon.Map) wireTool {
	var t wireTool
	for k, v := range m.All() {
		switch k {
		case "type":
			t.Type = anyText(str(v))
		case "name":
			t.Name = anyText(str(v))
		case "description":
			t.Description = anyText(str(v))
		case "parameters", "inputSchema":
			raw := valueJSON(v)
			if v.Type() == pcommon.ValueTypeStr {
				raw = json.RawMessage(v.Str())
			}
			if k == "parameters" {
				t.Parameters = raw
			} else {
				t.InputSchema = raw
			}
		case "function":
			if v.Type() == pcommon.ValueTypeMap {
				fn := toolFromMap(v.Map())
				t.Function = &fn
			}
		}
	}
	return t
}

// openAI converts the definition to an OpenAI tool.
func (t *wireTool) openAI() (Tool, bool) {
	fn := t
	if t.Name == "" && t.Function != nil {
		fn = t.Function
	}
	if fn.Name == "" {
		return Tool{}, false
	}
	kind := string(t.Type)
	if kind == "" {
		kind = "function"
	}
	params := fn.Parameters
	if len(params) == 0 {
		params = fn.InputSchema
	}
	return Tool{Type: kind, Function: FunctionSpec{
		Name:        string(fn.Name),
		Description: string(fn.Description),
		Parameters:  schema(params),
	}}, true
}

// schema returns a parameters JSON Schema as raw JSON: an object as it is,
// an object held in a JSON string unwrapped; anything else is dropped.
func schema(raw json.RawMessage) json.RawMessage {
	if len(raw) > 0 && raw[0] == '"' {
		raw = json.RawMessage(contentJSON(string(raw)))
	}
	if len(raw) == 0 || raw[0] != '{' || !validJSON([]byte(raw)) {
		return nil
	}
	return rawJSON(raw)
}

// toolFromJSON reads one tool definition given as JSON text.
func toolFromJSON(s string) (Tool, bool) {
	var def wireTool
	data := contentJSON(s)
	if len(data) == 0 || data[0] != '{' || !decodeWire(data, &def, readWireTool) {
		return Tool{}, false
	}
	return def.openAI()
}
