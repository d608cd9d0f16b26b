package drivers_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dpsdk/dataprotection/drivers"
)

// stub is a driver for the registry's tests; its methods are never called.
type stub struct{ drivers.Driver }

func TestRegistryCheck(t *testing.T) {
	var typedNil *stub
	tests := []struct {
		name string
		reg  drivers.Registry
		want []string // substrings of the error; none: no error
		good string   // a valid entry the error must not name
	}{
		{name: "the usual names are valid", reg: drivers.Registry{"job": &stub{}, "daemon": &stub{}, "snapshot": stub{}, "pg-mirror2": &stub{}}},
		{name: "an empty registry is valid (New requires a driver)", reg: drivers.Registry{}},
		{name: "a nil interface is refused", reg: drivers.Registry{"job": nil}, want: []string{`driver "job" is nil`}},
		{name: "a nil pointer in the interface is refused", reg: drivers.Registry{"job": typedNil}, want: []string{`driver "job" is nil`}},
		{name: "a name with a space and capitals is refused", reg: drivers.Registry{"Local Driver": &stub{}},
			want: []string{`"Local Driver" is not a valid driver name`, "lowercase letters, digits and '-'"}},
		{name: "a name with an underscore is refused", reg: drivers.Registry{"my_plugin": &stub{}}, want: []string{`"my_plugin"`}},
		{name: "an empty name is refused", reg: drivers.Registry{"": &stub{}}, want: []string{`"" is not a valid driver name`}},
		{name: "a name longer than 63 characters is refused", reg: drivers.Registry{strings.Repeat("a", 64): &stub{}}, want: []string{"is not a valid driver name"}},
		{name: "a name ending with '-' is refused", reg: drivers.Registry{"job-": &stub{}}, want: []string{`"job-"`}},
		{name: "every bad entry is named, in name order", reg: drivers.Registry{"b": nil, "A": &stub{}, "job": &stub{}},
			want: []string{`"A" is not a valid driver name`, `driver "b" is nil`}, good: "job"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.reg.Check()
			if len(tt.want) == 0 {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, drivers.InvalidArgument, drivers.ErrorCode(err))
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
			if tt.good != "" {
				assert.NotContains(t, err.Error(), `"`+tt.good+`"`, "a valid entry is not named")
			}
		})
	}
}

func TestRegistryLookupOfANilPointerIsNotFound(t *testing.T) {
	var typedNil *stub
	_, err := drivers.Registry{"job": typedNil}.Lookup("job")
	require.True(t, drivers.IsNotFound(err), "%v", err)
}
