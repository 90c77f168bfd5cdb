package documents

import (
	"strconv"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Receipt is the data of the application receipt (受理回执).
type Receipt struct {
	Application platform.Application
	// Submitted is the platform's answer: the case number, when it was
	// accepted, the promised deadline.
	Submitted platform.Submitted
	// Pending: not yet uploaded (offline); Submitted.ApplicationID is
	// then the kiosk's local number and the receipt says 待上传.
	Pending bool
	Office  Office
	// Operator is the caseworker's staff number (counter and field).
	Operator string
	// Household names the members still to sign (Application.Absent).
	Household *platform.Household
	// Notices are the items' 一次性告知; the receipt lists the materials
	// still missing and points to the notice.
	Notices []platform.Notice
	// StartWithinDays and PublicizeDays say what happens next (3 and 7
	// when zero).
	StartWithinDays, PublicizeDays int
	At                             time.Time
}

// Receipt renders the application receipt: the case number (large, in
// groups of 4, and as a QR code), the items, the promised deadline, what
// happens next, what is still missing, whom to call.
func (r *Renderer) Receipt(rc Receipt) (*Result, error) {
	app := rc.Application
	sub := rc.Submitted
	caseNo := strings.TrimSpace(sub.ApplicationID)
	d := r.newDoc("社会救助申请受理回执 · " + ReceiptTemplate + " · 受理编号 " + orDash(caseNo))
	d.docHeader("社会救助申请受理回执", "")

	// The case number and its QR code side by side.
	const qrSize = 96.0
	top := d.y
	d.y = top + 4
	d.paraAt(marginL, contentW-qrSize-12, "受理编号", style{size: sizeBody, gray: 0.3})
	d.paraAt(marginL, contentW-qrSize-12, orDash(group4(caseNo)), style{size: 22, after: 2})
	if rc.Pending {
		d.paraAt(marginL, contentW-qrSize-12, "待上传：申请已保存在本机，网络好了会自动送出。这是本机编号，送出后编号不变，可凭此编号查询。", style{size: sizeBody})
	}
	if caseNo != "" && !d.qr(caseNo, pageW-marginR-qrSize, top, qrSize) {
		d.paraAt(marginL, contentW-qrSize-12, "（编号太长，不能做成二维码）", small)
	}
	d.y = max(d.y, top+qrSize+4)
	d.hr(0.6)

	accepted := timeString(sub.AcceptedAt)
	if strings.TrimSpace(sub.AcceptedAt) == "" {
		accepted = timeCN(rc.At)
	}
	d.kv(96,
		[2]string{"申请人", orDash(MaskName(app.Applicant.Name))},
		[2]string{"身份证号", orDash(MaskID(app.Applicant.IDNumber))},
		[2]string{"申请时间", accepted},
		[2]string{"申请项目", itemShorts(app.Items)},
	)
	for _, it := range app.Items {
		d.para("■ "+itemLine(it), style{size: sizeBody, indent: 96, hang: 14, after: 1})
	}
	d.gap(4)
	if dl := strings.TrimSpace(sub.Deadline); dl != "" {
		d.para("最晚 "+dateString(dl)+" 前给您答复", style{size: sizeKey, after: 6})
	}

	d.para("已签的文件", heading)
	signed := map[string][]string{}
	for _, s := range app.Signatures {
		signed[s.Document] = append(signed[s.Document], MaskName(s.Name))
	}
	d.para("诚信承诺书："+signedWords(signed["commitment"]), body)
	d.para("家庭经济状况核对授权书："+signedWords(signed["authorization"]), body)
	if len(app.Absent) > 0 {
		var names []string
		for _, id := range app.Absent {
			names = append(names, absentName(rc.Household, id))
		}
		d.para("还要补签的家人："+strings.Join(names, "、")+"。请在 "+orDash(rc.Office.Window)+" 补签（用同一个受理编号）。", body)
	}

	start, pub := rc.StartWithinDays, rc.PublicizeDays
	if start == 0 {
		start = 3
	}
	if pub == 0 {
		pub = 7
	}
	d.para("接下来", heading)
	d.numbered(
		strconv.Itoa(start)+" 个工作日内开始调查，工作人员会上门了解情况。",
		"审核后，会在村（居）里公示 "+strconv.Itoa(pub)+" 天（只公示姓名、家庭人数和救助金额）。",
		"审批后会通知您结果。不同意的，会写明理由。",
	)

	var missing []string
	for _, n := range rc.Notices {
		for _, m := range n.Materials {
			if !m.Have {
				missing = append(missing, m.Name)
			}
		}
	}
	if len(missing) > 0 {
		d.para("还需要补交的材料", heading)
		d.para(strings.Join(missing, "、")+"。详细要求见《一次性告知书》。", body)
	}

	d.para("办理不收任何费用。", style{size: sizeBody, after: 6})
	d.para("联系", heading)
	rows := [][2]string{}
	if rc.Office.Phone != "" {
		rows = append(rows, [2]string{"咨询电话", rc.Office.Phone})
	}
	if sv := contacts(rc.Office.Supervision); sv != "" {
		rows = append(rows, [2]string{"监督电话", sv})
	}
	if rc.Office.Window != "" {
		rows = append(rows, [2]string{"办理地点", rc.Office.Window})
	}
	if len(rows) > 0 {
		d.kv(96, rows...)
	}
	var by []string
	if rc.Operator != "" {
		by = append(by, "经办人工号："+rc.Operator)
	}
	if app.Terminal != "" {
		by = append(by, "终端："+app.Terminal)
	}
	by = append(by, "打印时间："+timeCN(rc.At))
	d.gap(6)
	d.para(strings.Join(by, "　"), small)
	d.para("请收好这张回执，凭受理编号查询进度。", small)
	return d.write("社会救助申请受理回执 "+ReceiptTemplate, rc.At)
}

func signedWords(names []string) string {
	if len(names) == 0 {
		return "未签"
	}
	return "已签（" + strings.Join(names, "、") + "）"
}

// absentName names an absent member masked, by relation when known.
func absentName(hh *platform.Household, id string) string {
	if hh != nil {
		for _, m := range hh.Members {
			if m.ID == id {
				if m.Relation != "" {
					return m.Relation + " " + MaskName(m.Name)
				}
				return MaskName(m.Name)
			}
		}
	}
	return "成员 " + id
}

// qr draws payload as a QR code (medium error correction), as vector
// squares: sharp at any printer's resolution. It reports false when the
// payload does not fit in a QR code.
func (d *doc) qr(payload string, x, y, size float64) bool {
	q, err := qrcode.New(payload, qrcode.Medium)
	if err != nil {
		return false
	}
	q.DisableBorder = false
	bm := q.Bitmap() // with its 4-module quiet zone
	n := len(bm)
	if n == 0 {
		return false
	}
	m := size / float64(n)
	for r, row := range bm {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			e := c
			for e < len(row) && row[e] {
				e++
			}
			// A hair wider, so that neighbouring squares leave no seam.
			d.add(op{kind: opFill, x: x + float64(c)*m, y: y + float64(r)*m, w: float64(e-c)*m + 0.05, h: m + 0.05})
			c = e
		}
	}
	return true
}
