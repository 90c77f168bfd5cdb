package ink

import "math"

// vec is a point or a direction in output pixels.
//
// Every product in this package is rounded on its own (mul, or an
// explicit float64 conversion) before it is added to anything, so that no
// compiler fuses it into a multiply-add: see the package comment.
type vec struct{ x, y float64 }

// mul is a*b rounded to float64: the explicit conversion keeps the
// compiler from fusing the product into a following addition.
func mul(a, b float64) float64 { return float64(a * b) }

func (a vec) add(b vec) vec             { return vec{a.x + b.x, a.y + b.y} }
func (a vec) sub(b vec) vec             { return vec{a.x - b.x, a.y - b.y} }
func (a vec) scale(s float64) vec       { return vec{mul(a.x, s), mul(a.y, s)} }
func (a vec) perp() vec                 { return vec{-a.y, a.x} }
func (a vec) neg() vec                  { return vec{-a.x, -a.y} }
func dot(a, b vec) float64              { return mul(a.x, b.x) + mul(a.y, b.y) }
func cross(a, b vec) float64            { return mul(a.x, b.y) - mul(a.y, b.x) }
func (a vec) length() float64           { return math.Sqrt(dot(a, a)) }
func dist(a, b vec) float64             { return b.sub(a).length() }
func lerp(a, b, t float64) float64      { return a + mul(b-a, t) }
func (a vec) lerp(b vec, t float64) vec { return vec{lerp(a.x, b.x, t), lerp(a.y, b.y, t)} }

// unit is a scaled to length 1, or false when a is too short to have a
// direction.
func (a vec) unit() (vec, bool) {
	l := a.length()
	if !(l > 1e-9) {
		return vec{}, false
	}
	return vec{a.x / l, a.y / l}, true
}

// rotate turns a by the angle whose cosine and sine are c and s.
func (a vec) rotate(c, s float64) vec {
	return vec{mul(a.x, c) - mul(a.y, s), mul(a.x, s) + mul(a.y, c)}
}

// steps is how many table angles make half a turn.
const steps = 16

// quarterCos is cos(j·π/16) for j = 0…8, as constants.
func quarterCos(j int) float64 {
	switch j {
	case 0:
		return 1
	case 1:
		return 0.98078528040323044913
	case 2:
		return 0.92387953251128675613
	case 3:
		return 0.83146961230254523708
	case 4:
		return 0.70710678118654752440
	case 5:
		return 0.55557023301960222474
	case 6:
		return 0.38268343236508977173
	case 7:
		return 0.19509032201612826785
	}
	return 0
}

// angle is the cosine and sine of k·π/16 (any k), from the table by
// symmetry, so that no trigonometric function is called.
func angle(k int) (c, s float64) {
	k %= 2 * steps
	if k < 0 {
		k += 2 * steps
	}
	q, j := k/(steps/2), k%(steps/2)
	a, b := quarterCos(j), quarterCos(steps/2-j)
	switch q {
	case 0:
		return a, b
	case 1:
		return -b, a
	case 2:
		return -a, -b
	default:
		return b, -a
	}
}
