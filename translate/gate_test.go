package translate

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/pdata/pcommon"
)

// TestReaderKeysAreComplete checks the lists the readers are skipped by
// against the readers' code: every key a reader's attribute loop names in
// a case, and an item of every flattened list it collects, must count as
// one of its keys, or the reader would miss it.
func TestReaderKeysAreComplete(t *testing.T) {
	for _, c := range []struct {
		file, reader string
		keys         readerKeys
		lists        []string
	}{
		{"openllmetry.go", "readOpenLLMetry", keysOpenLLMetry,
			[]string{keyOLLPrompt, keyOLLCompletion, keyOLLFunctions, keyOLLTemplateVariables}},
		{"openinference.go", "readOpenInference", keysOpenInference,
			[]string{keyOIInput, keyOIOutput, keyOITools, keyOIPrompts, keyOIChoices, keyOIEmbedded}},
		{"vercel.go", "readVercel", keysVercel, []string{"ai.settings."}},
	} {
		keys := caseKeys(t, c.file, c.reader)
		require.NotEmpty(t, keys, c.reader)
		for _, k := range keys {
			assert.NotZero(t, keysOf(k)&c.keys, "%s reads %q", c.reader, k)
		}
		for _, prefix := range c.lists {
			assert.NotZero(t, keysOf(prefix+"0.content")&c.keys, "%s collects %s<N>.*", c.reader, prefix)
		}
	}

	// Each convention's own keys are not the others'.
	for k, want := range map[string]readerKeys{
		"gen_ai.prompt.0.content":      keysOpenLLMetry,
		"gen_ai.prompt.name":           0,
		"gen_ai.input.messages":        0,
		"llm.request.type":             0, // classification only
		"llm.usage.total_tokens":       keysOpenLLMetry,
		"traceloop.workflow.name":      keysOpenLLMetry,
		"llm.input_messages.3.message": keysOpenInference,
		"llm.input_messages.x":         0,
		"llm.token_count.total":        keysOpenInference,
		"embedding.model_name":         keysOpenInference,
		"ai.prompt.messages":           keysVercel,
		"operation.name":               keysVercel,
		"http.route":                   0,
		keyLegacyPrompt:                keysGenAIContent,
		keyLegacyCompletion:            keysGenAIContent,
	} {
		assert.Equal(t, want, keysOf(k), k)
	}
}

// keysOf returns the readers classification counts key k as read by.
func keysOf(k string) readerKeys {
	attrs := pcommon.NewMap()
	attrs.PutStr(k, "x")
	var s signals
	s.gather(attrs)
	return s.keys
}

// caseKeys returns the attribute keys function fn of file names in the
// cases of its switches, as literals or as constants of file.
func caseKeys(t *testing.T, file, fn string) []string {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, nil, 0)
	require.NoError(t, err)
	var keys []string
	for _, decl := range f.Decls {
		fd, ok := decl.(*ast.FuncDecl)
		if !ok || fd.Name.Name != fn {
			continue
		}
		ast.Inspect(fd.Body, func(n ast.Node) bool {
			cc, ok := n.(*ast.CaseClause)
			if !ok {
				return true
			}
			for _, e := range cc.List {
				switch e := e.(type) {
				case *ast.BasicLit:
					if s, err := strconv.Unquote(e.Value); err == nil {
						keys = append(keys, s)
					}
				case *ast.Ident: // a key constant
					if obj, ok := f.Scope.Objects[e.Name]; ok && obj.Kind == ast.Con {
						if vs, ok := obj.Decl.(*ast.ValueSpec); ok {
							for i, name := range vs.Names {
								if name.Name == e.Name && i < len(vs.Values) {
									if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
										s, _ := strconv.Unquote(lit.Value)
										keys = append(keys, s)
									}
								}
							}
						}
					}
				}
			}
			return true
		})
	}
	return keys
}
