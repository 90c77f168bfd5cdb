package documents

import (
	"strconv"
	"strings"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Template versions: which wording a rendered document carries (printed
// in its footer; a signed record keeps it, domain.md §7.3).
const (
	CommitmentTemplate    = "commitment/1"
	AuthorizationTemplate = "authorization/1"
	ReceiptTemplate       = "receipt/1"
	NoticeTemplate        = "notice/1"
)

// Office is the office an application is made to, as the documents name
// it. Every field comes from the kiosk's configuration.
type Office struct {
	// Name is the accepting office (镇/街道): "滕州市龙泉街道便民服务中心".
	Name string
	// CivilAffairs is the county civil-affairs bureau, which checks the
	// household's data and processes the personal information:
	// "滕州市民政局".
	CivilAffairs string
	// CheckAgency is the bureau's 核对 agency, when named:
	// "滕州市居民家庭经济状况核对中心".
	CheckAgency string
	// Address and Phone are the bureau's, for the personal-information
	// notice; Phone is also the consultation number.
	Address string
	Phone   string
	// Supervision are the complaint lines (12345, 12349).
	Supervision []platform.Contact
	// Window is where to hand in materials: "龙泉街道便民服务中心 3 号窗口".
	Window string
	// RetentionYears is how long case files are kept (0: "按档案管理规定").
	RetentionYears int
}

// OfficePromise is the office's counter-promise (双承诺), optional.
type OfficePromise struct {
	// StartWithinDays: investigation starts within this many working
	// days (3); DoneWithinDays: decided within this many (30), at most
	// MaxDays (45) in special cases.
	StartWithinDays, DoneWithinDays, MaxDays int
}

// Commitment is the data of a 诚信承诺书 (domain.md §4.1).
type Commitment struct {
	Application platform.Application
	// Household is the platform's record; nil when none was found (the
	// member table then lists the applicant only).
	Household *platform.Household
	// Signers: the applicant and every adult member present, a guardian
	// for a member who cannot sign, and the caseworker if one signs.
	Signers []Signer
	Office  Office
	// ReportWithinDays is the time to report changes (0: "及时").
	ReportWithinDays int
	Promise          *OfficePromise
	// CaseNumber, once the platform gave one; not part of the signed
	// text.
	CaseNumber string
	// At is the document's date (and the PDF's creation date).
	At time.Time
}

// Commitment renders a 诚信承诺书. Without signatures it is the text
// rendering the signers sign (Result.TextSHA256 is then its own
// SHA-256), which also serves as a paper form; with them, the signed
// record.
func (r *Renderer) Commitment(c Commitment) (*Result, error) {
	text := c
	text.CaseNumber = ""
	text.Signers = textSigners(c.Signers)
	return r.signed(c.Signers, c.CaseNumber != "", func(textSHA string) (*Result, error) {
		if textSHA == "" {
			return r.commitment(text, "")
		}
		return r.commitment(c, textSHA)
	})
}

// textSigners are the signers as the text shows them: nobody has signed,
// nobody is marked absent.
func textSigners(ss []Signer) []Signer {
	out := make([]Signer, len(ss))
	for i, s := range ss {
		s.Signature, s.Absent = nil, false
		out[i] = s
	}
	return out
}

// signed renders the text, checks the signatures sign it, and renders
// the signed record when there is more than the text to show.
//
// render(""), the text; render(textSHA), the record, which names the
// text's SHA-256.
func (r *Renderer) signed(ss []Signer, extra bool, render func(textSHA string) (*Result, error)) (*Result, error) {
	text, err := render("")
	if err != nil {
		return nil, err
	}
	text.TextSHA256 = text.SHA256
	more := extra
	for i, s := range ss {
		if s.Absent {
			more = true
		}
		if s.Signature == nil {
			continue
		}
		more = true
		if got := strings.ToLower(s.Signature.DocumentSHA256); got != "" && got != text.SHA256 {
			return nil, &MismatchError{Signer: "signers[" + strconv.Itoa(i) + "]", Signed: got, Text: text.SHA256}
		}
	}
	if !more {
		return text, nil
	}
	res, err := render(text.SHA256)
	if err != nil {
		return nil, err
	}
	res.TextSHA256 = text.SHA256
	return res, nil
}

// members are the household members counted (not Excluded), or the
// applicant alone when there is no record.
func members(app platform.Application, hh *platform.Household) []platform.Member {
	if hh == nil {
		return []platform.Member{{Name: app.Applicant.Name, IDNumber: app.Applicant.IDNumber, Relation: "本人"}}
	}
	var out []platform.Member
	for _, m := range hh.Members {
		if m.Excluded == "" {
			out = append(out, m)
		}
	}
	return out
}

// docHeader is the title and the line under it.
func (d *doc) docHeader(title, sub string) {
	d.para(title, style{size: sizeTitle, center: true, after: 2})
	if sub != "" {
		d.para(sub, style{size: sizeSmall, gray: 0.3, center: true, after: 4})
	}
	d.hr(0.3)
}

// numbered lays out "1. text" items with a hanging indent.
func (d *doc) numbered(lines ...string) {
	for i, l := range lines {
		d.para(strconv.Itoa(i+1)+". "+l, style{size: sizeBody, indent: 12, hang: 14, after: 3})
	}
}

// refLine is "申请单号：K-…　日期：2024年6月1日".
func refLine(app platform.Application, at time.Time, caseNumber string) string {
	var parts []string
	if caseNumber != "" {
		parts = append(parts, "受理编号："+caseNumber)
	}
	if app.IdempotencyKey != "" {
		parts = append(parts, "申请单号："+app.IdempotencyKey)
	}
	parts = append(parts, "日期："+dateCN(at))
	return strings.Join(parts, "　")
}

func (r *Renderer) commitment(c Commitment, textSHA string) (*Result, error) {
	textMode := textSHA == ""
	app := c.Application
	footer := "诚信承诺书 · " + CommitmentTemplate
	if c.CaseNumber != "" {
		footer += " · 受理编号 " + c.CaseNumber
	}
	if app.IdempotencyKey != "" {
		footer += " · 申请单号 " + app.IdempotencyKey
	}
	d := r.newDoc(footer)
	d.docHeader("社会救助申请诚信承诺书", refLine(app, c.At, c.CaseNumber))

	d.para("一、申请人和家庭成员", heading)
	place := ""
	if c.Household != nil {
		place = c.Household.Region.Name
	}
	ms := members(app, c.Household)
	d.kv(96,
		[2]string{"申请人", orDash(app.Applicant.Name)},
		[2]string{"身份证号", orDash(MaskID(app.Applicant.IDNumber))},
		[2]string{"户籍所在地", orDash(place)},
		[2]string{"共同生活人数", strconv.Itoa(len(ms)) + " 人"},
	)
	rows := make([][]string, 0, len(ms))
	for i, m := range ms {
		rows = append(rows, []string{strconv.Itoa(i + 1), orDash(m.Name), orDash(m.Relation), orDash(MaskID(m.IDNumber))})
	}
	d.table([]column{{"序号", 0.6}, {"姓名", 2}, {"与申请人关系", 1.6}, {"身份证号（部分隐藏）", 3}}, rows, sizeBody)
	d.para("为保护个人信息，本文件中的身份证号只显示前 6 位和后 4 位；完整号码保存在政府数据平台的申请记录中。", small)

	d.para("二、申请的项目", heading)
	if len(app.Items) == 0 {
		d.para("（未选择项目）", body)
	}
	for _, it := range app.Items {
		d.para("■ "+itemLine(it), style{size: sizeBody, indent: 12, hang: 14, after: 2})
	}
	d.gap(4)

	d.para("三、我（我们）承诺", heading)
	report := "及时"
	if c.ReportWithinDays > 0 {
		report = "在 " + strconv.Itoa(c.ReportWithinDays) + " 天内"
	}
	d.numbered(
		"我和家人说明的家庭人口、相互关系、收入、房子、车子、存款等财产和支出情况，都是真实、完整的，没有隐瞒，也没有多报或少报。",
		"我交的证件和材料都是真的。",
		"我愿意配合工作人员上门了解情况（入户调查）、向邻居了解情况和核对信息。没有正当理由不配合的，这次申请可能停止审核。",
		"家里人口、收入、财产有变化，我会"+report+"告诉村（居）委会或镇（街道）。",
		"我知道：审批通过后，会公开（公示）我的姓名、家庭人数和救助金额，接受大家监督；身份证号、电话等其他信息不公开。",
		"如果隐瞒情况、说假话或用假材料：要停止救助，退回领到的钱物，还可能被罚款（领到钱数的 1 倍到 3 倍）；违反治安管理的由公安机关处理，构成犯罪的依法追究刑事责任。",
	)

	d.para("四、亲属关系说明", heading)
	d.para("家里有没有人是村（居）委会干部，或者是经办社会救助工作人员的近亲属？（按规定，有的要单独登记备案）", style{size: sizeBody, after: 2})
	top := d.y
	d.room(lineHeight(sizeBody))
	if d.y != top {
		top = d.y
	}
	d.checkbox(marginL+12, top, sizeBody, app.RelatedToStaff)
	d.y = top
	d.paraAt(marginL+28, 80, "有", body)
	d.checkbox(marginL+120, top, sizeBody, !app.RelatedToStaff)
	d.y = top
	d.paraAt(marginL+136, 80, "没有", body)
	d.y = top
	answer := "本人的回答：没有"
	if app.RelatedToStaff {
		answer = "本人的回答：有"
	}
	d.paraAt(marginL+230, contentW-230, answer, body)
	d.gap(4)

	if p := c.Promise; p != nil {
		d.para("五、经办单位承诺", heading)
		office := orDash(c.Office.Name)
		lines := []string{}
		if p.StartWithinDays > 0 {
			lines = append(lines, "收到申请后 "+strconv.Itoa(p.StartWithinDays)+" 个工作日内开始调查。")
		}
		if p.DoneWithinDays > 0 {
			s := "一般 " + strconv.Itoa(p.DoneWithinDays) + " 个工作日内办完"
			if p.MaxDays > p.DoneWithinDays {
				s += "，特殊情况最多 " + strconv.Itoa(p.MaxDays) + " 个工作日"
			}
			lines = append(lines, s+"。")
		}
		lines = append(lines, "按规定程序办理，不收任何费用；对您家的信息保密。", "不同意审核结果的，会向您说明理由；您可以提出意见，也可以申请行政复议或者提起行政诉讼。")
		if sv := contacts(c.Office.Supervision); sv != "" {
			lines = append(lines, "监督电话："+sv+"。")
		}
		d.para(office+"承诺：", body)
		d.numbered(lines...)
	}

	d.para("签名", heading)
	d.para("申请人和在场的成年家庭成员签名。不能签字的家人，由监护人代签。", style{size: sizeBody, after: 6})
	for i, s := range c.Signers {
		if err := d.signatureBlock(i, s, textMode); err != nil {
			return nil, err
		}
	}
	if len(c.Signers) == 0 {
		if err := d.signatureBlock(0, Signer{Role: RoleApplicant, Name: app.Applicant.Name, IDNumber: app.Applicant.IDNumber}, true); err != nil {
			return nil, err
		}
	}
	if !textMode {
		d.record(app, CommitmentTemplate, textSHA)
	}
	return d.write("诚信承诺书 "+CommitmentTemplate, c.At)
}

// record is the signed record's last section: what text was signed
// (its SHA-256: the evidence bundles' document.sha256), with which
// template, where.
func (d *doc) record(app platform.Application, template, textSHA string) {
	d.room(lineHeight(sizeHeading) + lineHeight(sizeSmall)*5)
	d.para("签署记录", heading)
	channel := map[string]string{"kiosk": "自助终端", "counter": "窗口", "field": "入户"}[app.Channel]
	if channel == "" {
		channel = app.Channel
	}
	d.para("签署文本 SHA-256："+textSHA+"（即签名证据中的 document.sha256；签署文本是本文件不带签名的版本）", small)
	d.para("文本版本："+template+"　办理方式："+orDash(channel)+"　终端："+orDash(app.Terminal), small)
}

// contacts is "12345、12349（民政）".
func contacts(cs []platform.Contact) string {
	var out []string
	for _, c := range cs {
		s := c.Phone
		if c.Name != "" {
			s = c.Name + " " + c.Phone
		}
		if strings.TrimSpace(s) != "" {
			out = append(out, strings.TrimSpace(s))
		}
	}
	return strings.Join(out, "；")
}
