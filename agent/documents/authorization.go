package documents

import (
	"strconv"
	"time"

	"github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// Authorization is the data of a 家庭经济状况核对授权书 (domain.md §4.2).
type Authorization struct {
	Application platform.Application
	// Household is the platform's record; nil when none was found.
	Household *platform.Household
	// Number is the authorisation's unique number (AuthorizationNumber
	// makes one); a member absent today signs later under the same
	// number.
	Number string
	// ValidFrom and ValidUntil bound the authorisation.
	ValidFrom, ValidUntil time.Time
	// Signers: one per member (matched by MemberID, else by name), a
	// guardian for a member who cannot sign, the caseworker. A member
	// with no signer is listed as not signed.
	Signers []Signer
	Office  Office
	// FaceComparison: the kiosk compares the applicant's face with the
	// card photo; the notice then asks a separate consent (PIPL §29),
	// whose answer is FaceConsent.
	FaceComparison, FaceConsent bool
	// CaseNumber, once the platform gave one; not part of the signed
	// text.
	CaseNumber string
	At         time.Time
}

// Authorization renders a 家庭经济状况核对授权书: without signatures the
// text the members sign (and a paper form); with them the signed record,
// each member with a signature, "不在场，待补签" or "未签".
func (r *Renderer) Authorization(a Authorization) (*Result, error) {
	text := a
	text.CaseNumber = ""
	text.Signers = textSigners(a.Signers)
	return r.signed(a.Signers, a.CaseNumber != "", func(textSHA string) (*Result, error) {
		if textSHA == "" {
			return r.authorization(text, "")
		}
		return r.authorization(a, textSHA)
	})
}

// signerOf finds a member's signer: by MemberID, else by name.
func signerOf(ss []Signer, m platform.Member) (Signer, bool) {
	for _, s := range ss {
		if s.Role == RoleCaseworker || s.Role == RoleWitness || s.Role == RoleGuardian {
			continue
		}
		if (m.ID != "" && s.MemberID == m.ID) || (s.MemberID == "" && s.Name == m.Name) {
			return s, true
		}
	}
	return Signer{}, false
}

func (r *Renderer) authorization(a Authorization, textSHA string) (*Result, error) {
	textMode := textSHA == ""
	app := a.Application
	footer := "家庭经济状况核对授权书 · " + AuthorizationTemplate + " · 授权编号 " + orDash(a.Number)
	if a.CaseNumber != "" {
		footer += " · 受理编号 " + a.CaseNumber
	}
	d := r.newDoc(footer)
	d.docHeader("家庭经济状况核对授权书", "授权编号："+orDash(a.Number)+"\n"+refLine(app, a.At, a.CaseNumber))

	grantee := orDash(a.Office.CivilAffairs)
	if a.Office.CheckAgency != "" {
		grantee += "及其" + a.Office.CheckAgency
	}
	d.kv(96,
		[2]string{"被授权方", grantee},
		[2]string{"申请项目", itemShorts(app.Items)},
		[2]string{"有效期", "自 " + dateCN(a.ValidFrom) + " 至 " + dateCN(a.ValidUntil) + "。本次申请办完（办结）后，不再用于查询。"},
	)
	d.gap(4)

	d.para("一、我们同意查询", heading)
	d.para("为了审核本户的社会救助申请，我们全家同意并授权被授权方查询、核对本户每位家庭成员的收入和财产情况。", body)

	d.para("二、查询哪些信息", heading)
	d.numbered(
		"户口（户籍）信息；",
		"社会保险、养老金，公益性岗位补贴；",
		"纳税信息；",
		"房子（不动产登记）、住房公积金；",
		"车辆（机动车、船舶）；",
		"工商登记：开办的个体户、公司，担任的职务；",
		"银行存款，股票、基金等证券，商业保险；",
		"其他与家庭收入、财产有关的信息（如农业补贴）。",
	)

	d.para("三、同意有关单位提供", heading)
	d.para("同意公安、人力资源社会保障、税务、自然资源（不动产）、住房公积金、市场监管、交通运输等部门，以及银行、保险、证券等机构，把上面的信息提供给民政部门。", body)

	d.para("四、只用于审核，保密", heading)
	d.numbered(
		"这些信息只用来审核本次申请，以及享受救助期间的定期复核，不用于其他用途。",
		"只查审核需要的信息，不多查。",
		"工作人员对这些信息保密。除了按规定公示姓名、家庭人数和救助金额，不会对外公开。",
	)

	d.para("五、个人信息告知", heading)
	retention := "按社会救助档案管理的规定保存"
	if a.Office.RetentionYears > 0 {
		retention = "保存 " + strconv.Itoa(a.Office.RetentionYears) + " 年（按社会救助档案管理的规定）"
	}
	contact := orDash(a.Office.CivilAffairs)
	if a.Office.Address != "" {
		contact += "，地址：" + a.Office.Address
	}
	if a.Office.Phone != "" {
		contact += "，电话：" + a.Office.Phone
	}
	d.kv(96,
		[2]string{"谁来处理", contact},
		[2]string{"用来做什么", "审核社会救助申请，确定能不能得到救助、得到多少。"},
		[2]string{"怎么处理", "通过居民家庭经济状况核对系统，向上面的部门和机构查询、比对。"},
		[2]string{"哪些信息", "身份和户口，收入，房子、车子、存款等财产，银行账户；残疾、疾病情况。"},
		[2]string{"敏感信息", "其中银行账户和存款、残疾和疾病情况是敏感个人信息。为了判断您家是否符合条件，必须核对这些信息；不授权的，这次申请无法完成审核。"},
		[2]string{"保存多久", retention + "，期满后删除或停止使用。"},
		[2]string{"您的权利", "您可以查阅、复制这些信息，发现不对可以要求更正，可以问信息是怎么用的；对核对结果有意见，可以申请复核。请联系上面的处理单位。"},
	)
	if a.FaceComparison {
		top := d.y
		d.room(lineHeight(sizeBody) * 2)
		if d.y != top {
			top = d.y
		}
		d.checkbox(marginL, top, sizeBody, a.FaceConsent)
		d.y = top
		answer := "不同意"
		if a.FaceConsent {
			answer = "同意"
		}
		d.paraAt(marginL+18, contentW-18, "单独同意：为了确认是本人办理，用终端拍的人脸照片和身份证照片比对（照片不保存）。申请人的回答："+answer+"。", body)
	}

	d.para("六、我们的声明", heading)
	d.numbered(
		"我们了解社会救助和家庭经济状况核对的有关规定，愿意遵守。",
		"我们提交的材料、说明的收入和财产情况真实、完整；如有虚假，愿意承担相应责任。",
		"不能签字的家人（未成年人，或者不能完全自己作决定的人），由监护人代签。",
	)

	d.para("七、授权人", heading)
	ms := members(app, a.Household)
	rows := make([][]string, 0, len(ms))
	for i, m := range ms {
		state := "（在下面签名）"
		if !textMode {
			s, ok := signerOf(a.Signers, m)
			switch {
			case ok && s.Signature != nil:
				state = "已签（见下）"
			case ok && s.Absent:
				state = "不在场，待补签"
			default:
				state = "未签"
				for _, g := range a.Signers {
					if g.Role == RoleGuardian && g.For == m.Name {
						state = "由监护人代签（见下）"
						if g.Signature == nil {
							state = "由监护人代签，未签"
						}
					}
				}
			}
		}
		rows = append(rows, []string{strconv.Itoa(i + 1), orDash(m.Name), orDash(m.Relation), orDash(MaskID(m.IDNumber)), state})
	}
	d.table([]column{{"序号", 0.6}, {"姓名", 1.7}, {"与申请人关系", 1.5}, {"身份证号（部分隐藏）", 2.8}, {"签名情况", 2.2}}, rows, sizeBody)
	d.para("为保护个人信息，身份证号只显示前 6 位和后 4 位；完整号码保存在政府数据平台的申请记录中，查询按完整号码进行。", small)

	d.para("签名", heading)
	for i, s := range a.Signers {
		if err := d.signatureBlock(i, s, textMode); err != nil {
			return nil, err
		}
	}
	if len(a.Signers) == 0 {
		for _, m := range ms {
			if err := d.signatureBlock(0, Signer{Name: m.Name, Relation: m.Relation, IDNumber: m.IDNumber}, true); err != nil {
				return nil, err
			}
		}
	}
	if !textMode {
		d.record(app, AuthorizationTemplate, textSHA)
	}
	return d.write("家庭经济状况核对授权书 "+AuthorizationTemplate, a.At)
}
