package documents

import (
	"strconv"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Notice is the data of a 一次性告知书 (domain.md §3.5, flow-screens §5):
// for each item applied for, what it is, on what basis, the conditions,
// the steps, the materials (which are still missing), the time limit,
// whom to ask and how to appeal.
type Notice struct {
	Application platform.Application
	CaseNumber  string
	// AcceptedAt is when the application was accepted.
	AcceptedAt time.Time
	// Operator is the caseworker's staff number (经办人工号).
	Operator string
	// Items are the platform's notices, one per item.
	Items []platform.Notice
	// SubmitBy and the Office's Window say by when and where to hand in
	// what is missing.
	SubmitBy time.Time
	Office   Office
	At       time.Time
}

// Notice renders the 一次性告知书.
func (r *Renderer) Notice(n Notice) (*Result, error) {
	app := n.Application
	d := r.newDoc("社会救助一次性告知书 · " + NoticeTemplate + " · 受理编号 " + orDash(n.CaseNumber))
	d.docHeader("社会救助一次性告知书", "需要补交的材料，这一次全部告诉您")

	var codes []string
	for _, it := range n.Items {
		codes = append(codes, it.Item)
	}
	if len(codes) == 0 {
		codes = app.Items
	}
	d.kv(96,
		[2]string{"受理编号", orDash(group4(n.CaseNumber))},
		[2]string{"申请人", orDash(MaskName(app.Applicant.Name))},
		[2]string{"申请日期", dateCN(n.AcceptedAt)},
		[2]string{"申请项目", itemShorts(codes)},
		[2]string{"经办人工号", orDash(n.Operator)},
	)
	d.gap(4)

	// What is missing, all items together, first: it is why the notice
	// exists.
	var missing, have []string
	for _, it := range n.Items {
		for _, m := range it.Materials {
			if m.Have {
				if !contains(have, m.Name) {
					have = append(have, m.Name)
				}
			} else if !contains(missing, m.Name) {
				missing = append(missing, m.Name)
			}
		}
	}
	d.para("一次性告知：还需要补的材料", heading)
	if len(missing) == 0 {
		d.para("不用再补材料了。", body)
	} else {
		where := "请在 " + dateCN(n.SubmitBy) + " 前交到 " + orDash(n.Office.Window) + "。"
		if n.SubmitBy.IsZero() {
			where = "请尽快交到 " + orDash(n.Office.Window) + "。"
		}
		d.para(where, style{size: sizeBody, after: 4})
		for _, it := range n.Items {
			for _, m := range it.Materials {
				if m.Have {
					continue
				}
				line := m.Name + "（" + ItemOf(it.Item).Short + "）"
				if m.Note != "" {
					line += "：" + m.Note
				}
				d.para("□ "+line, style{size: sizeBody, indent: 12, hang: 14, after: 2})
			}
		}
	}
	if len(have) > 0 {
		d.para("以下材料不用您再交（政府已能查到）："+strings.Join(have, "、")+"。", style{size: sizeBody, after: 6})
	}

	for i, it := range n.Items {
		d.room(lineHeight(sizeHeading) * 4)
		d.para(chineseNumber(i+1)+"、"+itemLine(it.Item), heading)
		if it.Basis != "" {
			d.kv(96, [2]string{"办理依据", it.Basis})
		}
		if len(it.Conditions) > 0 {
			d.para("申请条件：", body)
			d.numbered(it.Conditions...)
		}
		if len(it.Steps) > 0 {
			d.para("办理步骤：", body)
			d.numbered(it.Steps...)
		}
		if len(it.Materials) > 0 {
			rows := make([][]string, 0, len(it.Materials))
			for _, m := range it.Materials {
				state := "还需要补交"
				if m.Have {
					state = "不用交（政府已能查到）"
				}
				rows = append(rows, []string{m.Name, state, m.Note})
			}
			d.table([]column{{"材料", 2}, {"情况", 2.6}, {"说明", 3}}, rows, sizeBody)
		}
		limit := it.TimeLimit
		if limit == "" && it.TimeLimitDays > 0 {
			limit = strconv.Itoa(it.TimeLimitDays) + " 个工作日"
		}
		rows := [][2]string{}
		if limit != "" {
			rows = append(rows, [2]string{"办理时限", limit})
		}
		if c := contacts(it.Contacts); c != "" {
			rows = append(rows, [2]string{"咨询电话", c})
		}
		if it.Appeal != "" {
			rows = append(rows, [2]string{"有意见怎么办", it.Appeal})
		}
		if len(rows) > 0 {
			d.kv(96, rows...)
		}
		d.gap(4)
	}

	d.para("其他", heading)
	var other []string
	other = append(other, "办理不收任何费用。")
	if n.Office.Phone != "" {
		other = append(other, "咨询电话："+n.Office.Phone+"。")
	}
	if sv := contacts(n.Office.Supervision); sv != "" {
		other = append(other, "监督电话："+sv+"。")
	}
	other = append(other, "对结果有意见，可以提出来，工作人员会说明理由；也可以申请行政复议或者提起行政诉讼。",
		"您问的事如果不归我们办，第一位接待您的工作人员会告诉您该找哪里，或者帮您转过去（首问负责）。")
	d.numbered(other...)
	d.gap(6)
	d.para("告知时间："+timeCN(n.At), small)
	return d.write("社会救助一次性告知书 "+NoticeTemplate, n.At)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// chineseNumber writes 1–99 as 一 … 九十九 (beyond, as digits).
func chineseNumber(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n >= 100:
		return strconv.Itoa(n)
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	default:
		return digits[n/10] + "十" + digits[n%10]
	}
}
