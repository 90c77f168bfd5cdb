package flow

import (
	"crypto/rand"
	"encoding/base32"
	"strings"

	"github.com/kiosk-agent/kiosk-agent/drivers/printer/escpos"
)

// receiptDoc is a receipt to print.
type receiptDoc struct {
	escpos.Receipt
}

// newKey is a fresh idempotency key: random, carrying nothing personal.
func newKey() string {
	var b [16]byte
	rand.Read(b[:])
	// Base32 (a–z, 2–7), not hex: a key is logged and checked for
	// ID-number-like digit runs on its way out, and hex makes runs of
	// digits often enough to be refused once in a few thousand.
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
}

// receiptFor lays out the application receipt (flow-screens: receipt,
// §5): the case number, the items, the promised date, what happens next,
// and the 一次性告知 of materials still to bring.
func (e *Engine) receiptFor(s *session) receiptDoc {
	r := escpos.Receipt{Width: 80}
	add := func(b escpos.Block) { r.Blocks = append(r.Blocks, b) }
	add(escpos.Block{Type: "title", Text: "社会救助申请回执"})
	if e.cfg.Office != "" {
		add(escpos.Block{Type: "text", Text: e.cfg.Office, Align: "center"})
	}
	number := ""
	queued := false
	if s.submitted != nil {
		number, queued = s.submitted.CaseNumber, s.submitted.Queued
	}
	add(escpos.Block{Type: "kv", Key: "受理编号", Value: GroupDigits(number), Bold: true})
	add(escpos.Block{Type: "kv", Key: "申请人", Value: MaskName(s.applicant().Name)})
	add(escpos.Block{Type: "kv", Key: "申请日期", Value: WriteDate(e.cfg.Clock.Now())})
	add(escpos.Block{Type: "kv", Key: "申请项目", Value: strings.Join(e.itemNames(s.items(e.deps.Items)), "、")})
	add(escpos.Block{Type: "kv", Key: "最晚答复", Value: WriteDate(s.deadlineOn) + " 前"})
	// Who took it in (flow-screens §5: 经办人): the field worker, or the
	// terminal at a kiosk or counter.
	if e.cfg.Mode == ModeField && e.worker != nil {
		add(escpos.Block{Type: "kv", Key: "经办人", Value: MaskName(e.worker.name)})
	} else if e.cfg.Terminal != "" {
		add(escpos.Block{Type: "kv", Key: "受理终端", Value: e.cfg.Terminal})
	}
	if queued {
		add(escpos.Block{Type: "text", Text: "状态：待上传（网络好了会自动送出）", Bold: true})
	} else {
		add(escpos.Block{Type: "text", Text: "状态：已提交", Bold: true})
	}
	add(escpos.Block{Type: "divider"})
	add(escpos.Block{Type: "text", Text: "接下来：3 个工作日内开始调查，工作人员会上门了解情况；会在村（居）里公示 7 天。"})
	if miss := e.missing(s, true); len(miss) > 0 {
		add(escpos.Block{Type: "divider"})
		add(escpos.Block{Type: "text", Text: "一次性告知：还需要补的材料", Bold: true})
		for _, m := range miss {
			add(escpos.Block{Type: "text", Text: m.Name + "：" + strings.Join(m.Materials, "、")})
		}
		where := "窗口"
		if e.cfg.Window != "" {
			where = e.cfg.Window + " 号窗口"
		}
		if e.cfg.Office != "" {
			where = e.cfg.Office + " " + where
		}
		add(escpos.Block{Type: "text", Text: "请把以上材料交到 " + where + "，用同一个受理编号。"})
		add(escpos.Block{Type: "text", Text: "以下材料不用您再交：户口、社保、车辆、房产等（政府已能查到）。"})
	}
	// The time limit of each item, in the rules' words (限时办理).
	var limits []string
	for _, c := range e.chosenNotices(s) {
		if c.notice.TimeLimit != "" {
			limits = append(limits, c.name+"："+c.notice.TimeLimit)
		}
	}
	if len(limits) > 0 {
		add(escpos.Block{Type: "text", Text: "办理时限", Bold: true})
		for _, l := range limits {
			add(escpos.Block{Type: "text", Text: l})
		}
	}
	add(escpos.Block{Type: "text", Text: "办理不收任何费用。"})
	add(escpos.Block{Type: "text", Text: "对结果有意见，可以提出来，工作人员会说明理由；也可以申请复议。"})
	if e.cfg.Window != "" {
		where := e.cfg.Window + " 号窗口"
		if e.cfg.Office != "" {
			where = e.cfg.Office + " " + where
		}
		add(escpos.Block{Type: "text", Text: "有疑问请到 " + where + "。"})
	}
	if e.cfg.Phone != "" {
		add(escpos.Block{Type: "kv", Key: "咨询电话", Value: e.cfg.Phone})
	}
	add(escpos.Block{Type: "kv", Key: "监督电话", Value: "12345 / 12349"})
	if number != "" {
		add(escpos.Block{Type: "qr", Data: number})
	}
	return receiptDoc{r}
}

// progressReceipt lays out the progress of the person's applications.
func (e *Engine) progressReceipt(s *session) receiptDoc {
	r := escpos.Receipt{Width: 80}
	add := func(b escpos.Block) { r.Blocks = append(r.Blocks, b) }
	add(escpos.Block{Type: "title", Text: "办理进度"})
	add(escpos.Block{Type: "kv", Key: "申请人", Value: MaskName(s.applicant().Name)})
	add(escpos.Block{Type: "kv", Key: "查询日期", Value: WriteDate(e.cfg.Clock.Now())})
	for _, a := range e.progressView(s).Applications {
		add(escpos.Block{Type: "divider"})
		add(escpos.Block{Type: "kv", Key: "项目", Value: strings.Join(a.Items, "、"), Bold: true})
		for _, st := range a.Stages {
			v := "未到"
			if st.Reached {
				v = st.At
			}
			if st.Current {
				v += " ◀ 现在"
			}
			add(escpos.Block{Type: "kv", Key: st.Name, Value: v})
		}
		if a.Deadline != "" {
			add(escpos.Block{Type: "kv", Key: "最晚办完", Value: a.Deadline})
		}
	}
	return receiptDoc{r}
}
