package demo

import (
	"time"
)

// chinaTime is China Standard Time (UTC+8, no daylight saving); a fixed
// zone, so the demo needs no time zone database (Windows may have none).
var chinaTime = time.FixedZone("CST", 8*60*60)

// MaxSpeed bounds Options.Speed: at 1e6 a working month passes in about
// four real seconds; more would only overflow.
const MaxSpeed = 1e6

// clock is the demo's time: it runs speed times as fast as the real clock
// from an anchor (real, virtual) kept in the database, so applications
// keep their place across restarts and across a change of speed.
type clock struct {
	real    func() time.Time
	anchorR time.Time
	anchorV time.Time
	speed   float64
}

// now is the demo's current time, in China Standard Time.
func (c *clock) now() time.Time {
	d := c.real().Sub(c.anchorR)
	return c.anchorV.Add(time.Duration(float64(d) * c.speed)).In(chinaTime)
}

// isWorkingDay: Monday to Friday. Public holidays and their make-up
// working days (调休) are not modelled.
func isWorkingDay(t time.Time) bool {
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// addWorkingDays returns t moved forward by n working days, keeping its
// time of day. From a weekend day, the first working day after it is day
// 1.
func addWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if isWorkingDay(t) {
			n--
		}
	}
	return t
}

// The working-day time limits of the items (domain.md §3). Sourced: 低保
// 30 [S1 §22]; 刚性支出 30 [S3 §8]; 特困 35 (town 15, 7 days of publicity,
// county 15 [S2 §13–16]); 临时救助 15 (a local example [S8]). The others are
// this demo's own figures: no national limit was found.
var itemDays = map[string]int{
	"dibao": 30, "tekun": 35, "bianyuan": 30, "gangxing": 30, "linshi": 15,
	"yiliao": 20, "jiaoyu": 20, "zhufang": 30, "jiuye": 15, "kangfu": 30,
}

// limitDays is the time limit of an application: its slowest item's.
func limitDays(items []string) int {
	n := 0
	for _, it := range items {
		n = max(n, itemDays[it])
	}
	return n
}

// stageOffsets are the working days after acceptance at which an
// application with time limit n reaches 调查 (the town starts within 3
// working days for 低保), 公示, 审批 and 办结 (two days before the limit).
func stageOffsets(n int) [4]int {
	return [4]int{max(1, n/10), n / 2, n * 3 / 4, max(n-2, 1)}
}
