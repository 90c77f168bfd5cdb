package jcs

// Kind is the type of a JSON value.
type Kind uint8

// The kinds of JSON values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "a boolean"
	case Number:
		return "a number"
	case String:
		return "a string"
	case Array:
		return "an array"
	case Object:
		return "an object"
	}
	return "?"
}

// Value is a parsed JSON value. The zero Value is null.
type Value struct {
	kind  Kind
	b     bool
	num   float64
	str   string
	arr   []Value   // an array's elements, unless all are numbers
	nums  []float64 // an array's elements when all are numbers
	obj   []Member  // an object's members, in the order of the text
	start int       // where the value begins in the text Parse read
	end   int       // and where it ends (exclusive)
}

// Member is a member of an object.
type Member struct {
	Name string
	// NameStart is where the member's name (its opening quote) begins in
	// the text Parse read.
	NameStart int
	Value     Value
}

// Kind is the value's type.
func (v Value) Kind() Kind { return v.kind }

// Bool is a boolean's value.
func (v Value) Bool() bool { return v.b }

// Num is a number's value.
func (v Value) Num() float64 { return v.num }

// Str is a string's value.
func (v Value) Str() string { return v.str }

// Len is how many elements an array has, or members an object has.
func (v Value) Len() int {
	switch {
	case v.kind == Object:
		return len(v.obj)
	case v.nums != nil:
		return len(v.nums)
	}
	return len(v.arr)
}

// Index is an array's i-th element.
func (v Value) Index(i int) Value {
	if v.nums != nil {
		return Value{kind: Number, num: v.nums[i]}
	}
	return v.arr[i]
}

// Members are an object's members, in the order of the text.
func (v Value) Members() []Member { return v.obj }

// Get is the object member named name.
func (v Value) Get(name string) (Value, bool) {
	for _, m := range v.obj {
		if m.Name == name {
			return m.Value, true
		}
	}
	return Value{}, false
}

// Span is where the value was in the text Parse read: its first byte and
// the byte after its last. Values made by Index of an all-number array
// have none (0, 0).
func (v Value) Span() (start, end int) { return v.start, v.end }

// NewString, NewNumber, NewArray and NewObject make values, for Append.
func NewString(s string) Value { return Value{kind: String, str: s} }

// NewNumber makes a number value.
func NewNumber(f float64) Value { return Value{kind: Number, num: f} }

// NewArray makes an array value.
func NewArray(elems ...Value) Value { return Value{kind: Array, arr: elems} }

// NewObject makes an object value; Append sorts its members.
func NewObject(members ...Member) Value { return Value{kind: Object, obj: members} }
