package precheck_test

import (
	"fmt"
	"time"

	"github.com/kiosk-agent/kiosk-agent/agent/precheck"
	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

func ExampleRules_Evaluate() {
	h := &platform.Household{
		Region:      platform.Region{Code: "370481001", Urban: false},
		ApplicantID: "m1",
		Members: []platform.Member{
			{ID: "m1", Name: "王秀兰", Relation: "本人", Sex: "女", BirthDate: "1950-02-01", Work: "unable",
				Incomes: []platform.Income{{Kind: "pension", MonthlyFen: 15000}}},
		},
		Supporters: []platform.Supporter{{Name: "张伟", Relation: "子女", Able: false}},
	}
	res, err := precheck.Default().Evaluate(h, time.Date(2026, 6, 15, 10, 0, 0, 0, time.FixedZone("CST", 8*60*60)))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res[:2] {
		fmt.Println(r.Verdict, r.Summary)
		fmt.Println("  ", r.Tests[len(r.Tests)-2].Detail)
	}
	// Output:
	// likely 您家可能符合低保的条件，可以申请。
	//    按 1 口人算，家庭人均月收入 0 元，低于本地低保标准 780 元。城乡居民基础养老金 150 元按规定不计入收入。
	// likely 您本人（76 岁）可能符合特困供养的条件，可以申请。
	//    按 1 口人算，家庭人均月收入 0 元，低于本地低保标准 780 元。城乡居民基础养老金 150 元按规定不计入收入。
}
