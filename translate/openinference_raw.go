package translate

import (
	"bytes"
	"encoding/json"
)

// readOpenInferenceRaw falls back on the raw request and response
// (input.value, output.value; spec S.4 tier 9) when nothing structured
// gave the prompt or response: an OpenAI request's messages, a response's
// first choice, or plain text.
func readOpenInferenceRaw(in spanInput, d *draft) {
	if d.rec.Prompt != nil && (d.responseSet || d.class == classEmbedding) {
		return
	}
	attrs := in.span.Attributes()
	if input := str(getAttr(attrs, "input.value")); input != "" && d.rec.Prompt == nil {
		d.rec.Prompt = rawPrompt(input, d.class)
	}
	if output := str(getAttr(attrs, "output.value")); output != "" && !d.responseSet && d.class != classEmbedding {
		d.setResponse(rawResponse(output))
	}
}

// rawPrompt reads input.value: the messages of an OpenAI request, the input
// texts of an embeddings request, or the text itself.
func rawPrompt(input string, c class) []Message {
	data := bytes.TrimSpace([]byte(input))
	if len(data) > 0 && data[0] == '{' {
		var req struct {
			Messages json.RawMessage `json:"messages"`
			Prompt   anyText         `json:"prompt"`
			Input    json.RawMessage `json:"input"`
		}
		if decodeJSON(data, &req) {
			switch {
			case len(req.Messages) > 0:
				if msgs, text := decodeMessages(string(req.Messages)); text == "" && len(msgs) > 0 {
					return promptOf(msgs, "")
				}
			case req.Prompt != "":
				return userMessages([]string{string(req.Prompt)})
			case c == classEmbedding && len(req.Input) > 0:
				data = req.Input
			}
		}
	}
	if c == classEmbedding && len(data) > 0 && data[0] == '[' {
		var texts []string
		if json.Unmarshal(data, &texts) == nil {
			return userMessages(texts)
		}
	}
	return userMessages([]string{input})
}

// rawResponse reads output.value: the first choice of an OpenAI chat or
// completion response, or the text itself.
func rawResponse(output string) ([]wireMessage, string) {
	data := bytes.TrimSpace([]byte(output))
	if len(data) > 0 && data[0] == '{' {
		var resp struct {
			Choices []struct {
				Message      *wireMessage `json:"message"`
				Text         anyText      `json:"text"`
				FinishReason anyText      `json:"finish_reason"`
			} `json:"choices"`
		}
		if decodeJSON(data, &resp) && len(resp.Choices) > 0 {
			c := resp.Choices[0]
			if c.Message != nil {
				return []wireMessage{*c.Message}, ""
			}
			return nil, string(c.Text)
		}
	}
	return nil, output
}
