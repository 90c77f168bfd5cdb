// Package platform is the kiosk's view of the social-assistance data
// platform (一证申请: the platform holds the household's data; the kiosk
// looks it up by the applicant's ID number, pre-checks it, submits the
// application and its evidence, and asks how it progresses). The wire
// contract is openapi.yaml beside this file; these are its Go types.
//
// Money is in fen (分, 0.01 yuan) as integers, never floats; dates are
// "YYYY-MM-DD"; times RFC 3339. Field names are the JSON names.
package platform

// Household is a household as the platform records it: who lives
// together (共同生活的家庭成员), their incomes, property and spending, and
// what assistance they receive now.
type Household struct {
	// ID is the platform's household number.
	ID string `json:"id"`
	// Region is where the household's hukou is: the 6-digit GB/T 2260
	// code of the county (370481 滕州市) plus the 9-digit town/village code
	// where known, and whether it counts as urban (城市) or rural (农村)
	// for the standards.
	Region Region `json:"region"`
	// ApplicantID is the member who applies (ID of a Members entry).
	ApplicantID string   `json:"applicantId"`
	Members     []Member `json:"members"`
	// Property is the household's property as the 核对 sources show it.
	Property Property `json:"property"`
	// Spending12m is the household's rigid spending over the last 12
	// months, in fen (刚性支出: medical out of pocket after insurance,
	// education at public-school rates, disability rehabilitation).
	Spending12m Spending `json:"spending12m"`
	// Supporters are legal supporters (赡养/抚养/扶养义务人) who do not live
	// with the household (needed for 特困).
	Supporters []Supporter `json:"supporters,omitempty"`
	// DataAsOf is when the platform last refreshed this record (RFC 3339).
	DataAsOf string `json:"dataAsOf"`
}

// Region is a household's place for the standards.
type Region struct {
	Code  string `json:"code"`  // "370481" (county) or longer
	Name  string `json:"name"`  // "滕州市龙泉街道荆河社区"
	Urban bool   `json:"urban"` // 城市 (true) or 农村 (false)
}

// Member is one person of the household.
type Member struct {
	// ID is the platform's person number (not the ID card number).
	ID       string `json:"id"`
	Name     string `json:"name"`
	IDNumber string `json:"idNumber"` // 18 characters
	// Relation is to the applicant: 本人, 配偶, 子女, 父母, 祖父母,
	// 孙子女, 兄弟姐妹, 儿媳, 女婿, 其他.
	Relation  string `json:"relation"`
	Sex       string `json:"sex"`       // 男 / 女
	BirthDate string `json:"birthDate"` // YYYY-MM-DD
	// Disability is the member's disability certificate, if any.
	Disability *Disability `json:"disability,omitempty"`
	// SeriousIllness: a locally recognised 重特大疾病.
	SeriousIllness bool `json:"seriousIllness,omitempty"`
	// Work is "employed", "unemployed" (able to work, without a job),
	// "unable" (cannot work: age, illness, disability), "student",
	// "retired", "child".
	Work string `json:"work"`
	// School is the level of full-time study: "", "preschool",
	// "primary", "junior", "senior", "vocational", "college".
	School string `json:"school,omitempty"`
	// Incomes are the member's incomes by category, monthly averages.
	Incomes []Income `json:"incomes,omitempty"`
	// Insurance is what social insurance the member has.
	Insurance Insurance `json:"insurance"`
	// Benefits are assistance the member receives now: "dibao",
	// "tekun", "bianyuan", "gangxing", "orphan", "monitored" (防止返贫监测).
	Benefits []string `json:"benefits,omitempty"`
	// Excluded says the member is on the hukou but not counted in the
	// household (e.g. serving a sentence, religious personnel away 3+
	// years), with the reason.
	Excluded string `json:"excluded,omitempty"`
}

// Disability is a disability certificate (残疾人证).
type Disability struct {
	// Kind is 视力, 听力, 言语, 肢体, 智力, 精神 or 多重.
	Kind  string `json:"kind"`
	Grade int    `json:"grade"` // 1 (most severe) to 4
}

// Income is one income of a member, as a monthly average in fen.
type Income struct {
	// Kind is "wage", "business", "property", "transfer", "pension"
	// (城乡居民基本养老保险 basic pension), "support" (赡养费 received),
	// "farm".
	Kind        string `json:"kind"`
	MonthlyFen  int64  `json:"monthlyFen"`
	Source      string `json:"source,omitempty"` // 社保, 税务, 申报…
	Description string `json:"description,omitempty"`
}

// Insurance is a member's social insurance.
type Insurance struct {
	Medical string `json:"medical,omitempty"` // "employee", "resident", "" none
	Pension string `json:"pension,omitempty"` // "employee", "resident", "" none
}

// Property is a household's property.
type Property struct {
	// DepositsFen: bank deposits, securities, funds, commercial
	// insurance cash values together.
	DepositsFen int64 `json:"depositsFen"`
	// Vehicles owned, other than those needed for a livelihood or
	// disability mobility (those are listed with Exempt).
	Vehicles []Vehicle `json:"vehicles,omitempty"`
	// Homes is how many homes the household owns; HomeAreaM2 their total
	// floor area in m².
	Homes      int     `json:"homes"`
	HomeAreaM2 float64 `json:"homeAreaM2"`
	// CompanyRoles: a member is legal representative, shareholder or
	// manager of a business that operates.
	CompanyRoles int `json:"companyRoles,omitempty"`
	// BoughtHomeWithin12m: bought or built a home in the last year.
	BoughtHomeWithin12m bool `json:"boughtHomeWithin12m,omitempty"`
}

// Vehicle is a motor vehicle registered to a member.
type Vehicle struct {
	Kind   string `json:"kind"` // 小型汽车, 摩托车, 三轮车, 农用车
	Exempt string `json:"exempt,omitempty"`
}

// Spending is rigid spending in fen.
type Spending struct {
	MedicalFen   int64 `json:"medicalFen"`
	EducationFen int64 `json:"educationFen"`
	RehabFen     int64 `json:"rehabFen"`
	OtherFen     int64 `json:"otherFen"`
}

// Supporter is a legal supporter living elsewhere.
type Supporter struct {
	Name     string `json:"name"`
	Relation string `json:"relation"` // to the applicant: 子女, 配偶…
	// Able says whether the supporter can support (the platform's
	// judgement: 70+, severe disability, income below the line make one
	// unable).
	Able       bool  `json:"able"`
	MonthlyFen int64 `json:"monthlyFen"`
}

// Application is what the kiosk submits.
type Application struct {
	// IdempotencyKey makes a repeated submission store once: the same
	// key with the same content answers the first application's ID.
	IdempotencyKey string `json:"idempotencyKey"`
	HouseholdID    string `json:"householdId,omitempty"` // empty: no record found
	// Applicant is who applies, as read from the ID card.
	Applicant Person `json:"applicant"`
	// Items are the item codes applied for (dibao, tekun, …).
	Items []string `json:"items"`
	// Members present and signing, and those absent (to sign later).
	Signatures []SignatureRef `json:"signatures"`
	Absent     []string       `json:"absent,omitempty"` // member IDs
	// RelatedToStaff answers whether a member is a close relative of a
	// caseworker or village/community committee member (单独登记备案).
	RelatedToStaff bool `json:"relatedToStaff"`
	// Channel is "kiosk", "counter" or "field"; Notes are the clerk's or
	// the field worker's (入户记录).
	Channel string `json:"channel"`
	Notes   string `json:"notes,omitempty"`
	// Terminal names the kiosk (the agent's ID) and CreatedAt when the
	// applicant confirmed (RFC 3339).
	Terminal  string `json:"terminal"`
	CreatedAt string `json:"createdAt"`
}

// Person is someone identified by an ID card.
type Person struct {
	Name     string `json:"name"`
	IDNumber string `json:"idNumber"`
	Phone    string `json:"phone,omitempty"`
}

// SignatureRef ties a signed document to its evidence bundle.
type SignatureRef struct {
	// Document is "commitment" (诚信承诺书), "authorization"
	// (家庭经济状况核对授权书) or "visit" (入户调查记录, signed by the field
	// worker; its record is uploaded as JSON evidence beside the bundle).
	Document string `json:"document"`
	MemberID string `json:"memberId,omitempty"`
	Name     string `json:"name"`
	// BundleSHA256 is the hex SHA-256 of the bundle's bytes, uploaded as
	// evidence.
	BundleSHA256 string `json:"bundleSha256"`
}

// Submitted is the platform's answer to a submission.
type Submitted struct {
	ApplicationID string `json:"applicationId"` // the case number
	AcceptedAt    string `json:"acceptedAt"`
	// Deadline is the promised date of a decision (YYYY-MM-DD).
	Deadline string `json:"deadline"`
	// Duplicate says this key was seen before: nothing new was stored.
	Duplicate bool `json:"duplicate,omitempty"`
}

// The stages of an application, in order (受理 → 调查 → 公示 → 审批 → 办结).
const (
	StageAccepted      = "accepted"      // 受理
	StageInvestigating = "investigating" // 调查
	StagePublicizing   = "publicizing"   // 公示
	StageApproving     = "approving"     // 审批
	StageDone          = "done"          // 办结
)

// Progress is an application's state.
type Progress struct {
	ApplicationID string   `json:"applicationId"`
	Items         []string `json:"items"`
	Stage         string   `json:"stage"`
	// Stages are the stages reached, with their dates.
	Stages   []StageDate `json:"stages"`
	Deadline string      `json:"deadline"`
	// Result, once done: "approved", "rejected" (with Reason),
	// "withdrawn".
	Result string `json:"result,omitempty"`
	Reason string `json:"reason,omitempty"`
}

// StageDate is when a stage was reached.
type StageDate struct {
	Stage string `json:"stage"`
	At    string `json:"at"` // RFC 3339
}

// The item codes (flow-screens §2), in the order the kiosk lists them.
const (
	ItemDibao    = "dibao"    // 最低生活保障
	ItemTekun    = "tekun"    // 特困人员救助供养
	ItemBianyuan = "bianyuan" // 低保边缘家庭
	ItemGangxing = "gangxing" // 刚性支出困难家庭
	ItemLinshi   = "linshi"   // 临时救助
	ItemYiliao   = "yiliao"   // 医疗救助
	ItemJiaoyu   = "jiaoyu"   // 教育救助
	ItemZhufang  = "zhufang"  // 住房救助
	ItemJiuye    = "jiuye"    // 就业救助
	ItemKangfu   = "kangfu"   // 残疾儿童康复救助
)

// Verdicts of a pre-check. They are hints for the applicant and the
// caseworker, never decisions: "unlikely" is phrased as "按现有信息暂未看出…，
// 工作人员会再核实", never as a refusal.
const (
	VerdictLikely   = "likely"   // 您可能可以申请
	VerdictPossible = "possible" // 也许可以申请，需要工作人员核实
	VerdictUnlikely = "unlikely" // 按现有信息暂未看出符合的条件
)

// PrecheckResult is the pre-check of one item for a household.
type PrecheckResult struct {
	Item    string `json:"item"`    // dibao, …
	Name    string `json:"name"`    // 最低生活保障（低保）
	Verdict string `json:"verdict"` // likely, possible, unlikely
	// Summary is one plain sentence for the applicant:
	// "您可能可以申请低保。"
	Summary string `json:"summary"`
	// Tests are the checks made, each with its outcome and reason.
	Tests []Test `json:"tests"`
	// Notice is what the 一次性告知 says for this item.
	Notice Notice `json:"notice"`
}

// Test is one check of a pre-check.
type Test struct {
	Name   string `json:"name"`   // 家庭人均收入
	Passed bool   `json:"passed"` // the household meets it
	// Detail says why, with the figures:
	// "家庭人均收入 612 元，低于本地低保标准 780 元".
	Detail string `json:"detail"`
	// Sample: the standard used is a sample value, not the local
	// figure (which is not known yet).
	Sample bool `json:"sample,omitempty"`
	// Source is the document the standard comes from.
	Source string `json:"source,omitempty"`
}

// Notice is the 一次性告知 of one item: what it is, on what basis, the
// conditions, the steps, the materials (and which are still missing), the
// time limit, whom to ask, and how to appeal.
type Notice struct {
	Item       string     `json:"item"`
	Name       string     `json:"name"`
	Basis      string     `json:"basis"`
	Conditions []string   `json:"conditions"`
	Steps      []string   `json:"steps"`
	Materials  []Material `json:"materials"`
	// TimeLimit in words ("30 个工作日，特殊情况 45 个工作日") and in working
	// days.
	TimeLimit     string    `json:"timeLimit"`
	TimeLimitDays int       `json:"timeLimitDays"`
	Contacts      []Contact `json:"contacts"`
	Appeal        string    `json:"appeal"`
}

// Material is a document an item needs.
type Material struct {
	Name string `json:"name"`
	// Have: the platform already holds it (not asked for again).
	Have bool   `json:"have"`
	Note string `json:"note,omitempty"`
}

// Contact is where to ask.
type Contact struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
}
