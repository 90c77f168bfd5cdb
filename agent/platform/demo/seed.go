package demo

import (
	wire "github.com/kiosk-agent/kiosk-agent/protocol/platform"
)

// seedHousehold is one household the demo database starts with: the
// record (relations are to Members[0], the usual applicant), what the case
// exercises (for the table in doc.go), and the demo's decisions: items a
// caseworker would turn down, with the reason the progress shows.
type seedHousehold struct {
	household wire.Household
	exercises string
	reject    map[string]string
}

const yuan = 100 // fen

func m(id, name, idNumber, relation, sex, birth, work string) wire.Member {
	return wire.Member{ID: id, Name: name, IDNumber: idNumber, Relation: relation, Sex: sex, BirthDate: birth, Work: work,
		Insurance: wire.Insurance{Medical: "resident", Pension: "resident"}}
}

func income(kind string, yuanPerMonth int64, source string) wire.Income {
	return wire.Income{Kind: kind, MonthlyFen: yuanPerMonth * yuan, Source: source}
}

// seeds are the fictional households (names invented; ID numbers have
// valid check characters and the 370481 滕州市 area code, and belong to
// nobody we know of). The first two applicants are the simulated ID card
// reader's sample cards 0 and 1 (drivers/sim/idcardsim).
func seeds() []seedHousehold {
	return []seedHousehold{
		{
			exercises: "idcardsim sample card 0. An elderly couple on a small pension, the husband with uremia and high medical costs: 低保 likely, then 医疗救助; 刚性支出 possible",
			household: wire.Household{
				ID:     "TZH-0001",
				Region: wire.Region{Code: "370481001", Name: "滕州市荆河街道善国北路社区", Urban: true},
				Members: []wire.Member{
					with(m("P0001-1", "王秀英", "370481195603144828", "本人", "女", "1956-03-14", "retired"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("pension", 210, "社保")} }),
					with(m("P0001-2", "张德厚", "370481195308214010", "配偶", "男", "1953-08-21", "unable"),
						func(x *wire.Member) {
							x.SeriousIllness = true
							x.Incomes = []wire.Income{income("pension", 210, "社保")}
						}),
				},
				Property:    wire.Property{DepositsFen: 6000 * yuan, Homes: 1, HomeAreaM2: 58.5},
				Spending12m: wire.Spending{MedicalFen: 42000 * yuan},
				Supporters:  []wire.Supporter{{Name: "张明", Relation: "子女", Able: true, MonthlyFen: 2600 * yuan}},
			},
		},
		{
			exercises: "idcardsim sample card 1 (ID from 薛城区, hukou moved to 滕州). Unemployed father able to work, a wage earner, a 5-year-old daughter with autism (精神 grade 2): 低保 likely, 就业救助, 残疾儿童康复救助",
			household: wire.Household{
				ID:     "TZH-0002",
				Region: wire.Region{Code: "370481003", Name: "滕州市北辛街道学院路社区", Urban: true},
				Members: []wire.Member{
					m("P0002-1", "李建国", "370402198811073014", "本人", "男", "1988-11-07", "unemployed"),
					with(m("P0002-2", "赵丽", "370481199102172423", "配偶", "女", "1991-02-17", "employed"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("wage", 1800, "税务")} }),
					with(m("P0002-3", "李欣怡", "370481202106090622", "子女", "女", "2021-06-09", "child"),
						func(x *wire.Member) {
							x.Disability = &wire.Disability{Kind: "精神", Grade: 2}
							x.School = "preschool"
						}),
				},
				Property:    wire.Property{DepositsFen: 3000 * yuan, Homes: 1, HomeAreaM2: 72},
				Spending12m: wire.Spending{RehabFen: 24000 * yuan},
			},
		},
		{
			exercises: "An 84-year-old woman living alone; both supporters are unable (a son over 70, a daughter with a grade-1 disability): 特困 likely",
			household: wire.Household{
				ID:     "TZH-0003",
				Region: wire.Region{Code: "370481112", Name: "滕州市羊庄镇庄里村", Urban: false},
				Members: []wire.Member{
					with(m("P0003-1", "孙桂兰", "37048119421003202X", "本人", "女", "1942-10-03", "unable"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("pension", 160, "社保")} }),
				},
				Property:    wire.Property{DepositsFen: 3000 * yuan, Homes: 1, HomeAreaM2: 45},
				Spending12m: wire.Spending{MedicalFen: 2600 * yuan},
				Supporters: []wire.Supporter{
					{Name: "刘成", Relation: "子女", Able: false, MonthlyFen: 900 * yuan},
					{Name: "刘秀梅", Relation: "子女", Able: false, MonthlyFen: 0},
				},
			},
		},
		{
			exercises: "Just over the 低保 line: 4 people, 3,300 yuan a month (825 per person, 865 with the grandmother's pension): 低保 unlikely, 低保边缘 likely",
			reject:    map[string]string{wire.ItemDibao: "经核对，家庭人均月收入高于本地低保标准，可按低保边缘家庭办理"},
			household: wire.Household{
				ID:     "TZH-0004",
				Region: wire.Region{Code: "370481004", Name: "滕州市善南街道杏花村社区", Urban: true},
				Members: []wire.Member{
					with(m("P0004-1", "周强", "370481197904253015", "本人", "男", "1979-04-25", "employed"),
						func(x *wire.Member) {
							x.Incomes = []wire.Income{income("wage", 2600, "税务")}
							x.Insurance = wire.Insurance{Medical: "employee", Pension: "employee"}
						}),
					with(m("P0004-2", "吴芳", "370481198109123021", "配偶", "女", "1981-09-12", "employed"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("wage", 700, "申报")} }),
					with(m("P0004-3", "周子涵", "370481201203304018", "子女", "男", "2012-03-30", "student"),
						func(x *wire.Member) { x.School = "junior" }),
					with(m("P0004-4", "钱玉珍", "37048119501205402X", "父母", "女", "1950-12-05", "retired"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("pension", 160, "社保")} }),
				},
				Property:    wire.Property{DepositsFen: 15000 * yuan, Homes: 1, HomeAreaM2: 88},
				Spending12m: wire.Spending{EducationFen: 1800 * yuan, MedicalFen: 3000 * yuan},
			},
		},
		{
			exercises: "A son with leukemia: 168,000 yuan out of pocket in 12 months on 1,400 yuan per person a month: 刚性支出困难 likely, 临时救助 (支出型) and 医疗救助 possible",
			household: wire.Household{
				ID:     "TZH-0005",
				Region: wire.Region{Code: "370481002", Name: "滕州市龙泉街道文化路社区", Urban: true},
				Members: []wire.Member{
					with(m("P0005-1", "陈志刚", "370481197507193039", "本人", "男", "1975-07-19", "employed"),
						func(x *wire.Member) {
							x.Incomes = []wire.Income{income("wage", 4200, "税务")}
							x.Insurance = wire.Insurance{Medical: "employee", Pension: "employee"}
						}),
					m("P0005-2", "孙丽娟", "370481197701083044", "配偶", "女", "1977-01-08", "unable"),
					with(m("P0005-3", "陈宇航", "370481200811233052", "子女", "男", "2008-11-23", "student"),
						func(x *wire.Member) {
							x.SeriousIllness = true
							x.School = "senior"
						}),
				},
				Property:    wire.Property{DepositsFen: 8000 * yuan, Homes: 1, HomeAreaM2: 96},
				Spending12m: wire.Spending{MedicalFen: 168000 * yuan, EducationFen: 2400 * yuan},
			},
		},
		{
			exercises: "A house fire last month (35,000 yuan of repairs) in a family that otherwise gets by: 临时救助 (急难型) likely",
			household: wire.Household{
				ID:     "TZH-0006",
				Region: wire.Region{Code: "370481104", Name: "滕州市洪绪镇洪村", Urban: false},
				Members: []wire.Member{
					with(m("P0006-1", "马文", "370481198305145017", "本人", "男", "1983-05-14", "employed"),
						func(x *wire.Member) {
							x.Incomes = []wire.Income{income("wage", 3000, "税务"), income("farm", 900, "申报")}
						}),
					with(m("P0006-2", "刘燕", "370481198510025022", "配偶", "女", "1985-10-02", "employed"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("farm", 300, "申报")} }),
					with(m("P0006-3", "马思雨", "370481201508195043", "子女", "女", "2015-08-19", "student"),
						func(x *wire.Member) { x.School = "primary" }),
				},
				Property:    wire.Property{DepositsFen: 5000 * yuan, Homes: 1, HomeAreaM2: 110},
				Spending12m: wire.Spending{OtherFen: 35000 * yuan},
			},
		},
		{
			exercises: "A 低保 mother with a son at college: 教育救助 likely",
			household: wire.Household{
				ID:     "TZH-0007",
				Region: wire.Region{Code: "370481108", Name: "滕州市鲍沟镇鲍沟村", Urban: false},
				Members: []wire.Member{
					with(m("P0007-1", "郑红", "370481197602116023", "本人", "女", "1976-02-11", "unable"),
						func(x *wire.Member) {
							x.Benefits = []string{"dibao"}
							x.Incomes = []wire.Income{income("farm", 400, "申报")}
						}),
					with(m("P0007-2", "郑浩", "370481200609056013", "子女", "男", "2006-09-05", "student"),
						func(x *wire.Member) {
							x.Benefits = []string{"dibao"}
							x.School = "college"
						}),
				},
				Property:    wire.Property{DepositsFen: 1000 * yuan, Homes: 1, HomeAreaM2: 60},
				Spending12m: wire.Spending{EducationFen: 12000 * yuan},
			},
		},
		{
			exercises: "A 低保 family of three in a 32 m² old house, the wife with a disability (肢体 grade 3): 住房救助 likely",
			household: wire.Household{
				ID:     "TZH-0008",
				Region: wire.Region{Code: "370481113", Name: "滕州市界河镇界河村", Urban: false},
				Members: []wire.Member{
					with(m("P0008-1", "冯大勇", "370481197006307018", "本人", "男", "1970-06-30", "employed"),
						func(x *wire.Member) {
							x.Benefits = []string{"dibao"}
							x.Incomes = []wire.Income{income("farm", 600, "申报")}
						}),
					with(m("P0008-2", "王桂芝", "370481197203167026", "配偶", "女", "1972-03-16", "unable"),
						func(x *wire.Member) {
							x.Benefits = []string{"dibao"}
							x.Disability = &wire.Disability{Kind: "肢体", Grade: 3}
						}),
					with(m("P0008-3", "李翠英", "370481194601207042", "父母", "女", "1946-01-20", "retired"),
						func(x *wire.Member) {
							x.Benefits = []string{"dibao"}
							x.Incomes = []wire.Income{income("pension", 160, "社保")}
						}),
				},
				Property:    wire.Property{DepositsFen: 500 * yuan, Homes: 1, HomeAreaM2: 32},
				Spending12m: wire.Spending{MedicalFen: 4000 * yuan},
			},
		},
		{
			exercises: "A son with a grade-1 physical disability in a family at 1,033 yuan per person: 低保边缘 likely; he may apply for 低保 alone (单独提出申请)",
			household: wire.Household{
				ID:     "TZH-0009",
				Region: wire.Region{Code: "370481115", Name: "滕州市张汪镇张汪村", Urban: false},
				Members: []wire.Member{
					with(m("P0009-1", "何长海", "370481196604098039", "本人", "男", "1966-04-09", "employed"),
						func(x *wire.Member) {
							x.Incomes = []wire.Income{income("wage", 1800, "税务"), income("farm", 500, "申报")}
						}),
					with(m("P0009-2", "杨秀珍", "370481196807278048", "配偶", "女", "1968-07-27", "employed"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("farm", 800, "申报")} }),
					with(m("P0009-3", "何军", "370481199612018012", "子女", "男", "1996-12-01", "unable"),
						func(x *wire.Member) { x.Disability = &wire.Disability{Kind: "肢体", Grade: 1} }),
				},
				Property:    wire.Property{DepositsFen: 20000 * yuan, Homes: 1, HomeAreaM2: 120},
				Spending12m: wire.Spending{RehabFen: 6000 * yuan, MedicalFen: 5000 * yuan},
			},
		},
		{
			exercises: "Split household: the husband is serving a sentence (on the hukou, not counted), the married son has his own hukou elsewhere (a supporter, able); mother and a daughter at senior school on 1,100 yuan: 低保 likely, 教育救助 possible",
			household: wire.Household{
				ID:     "TZH-0010",
				Region: wire.Region{Code: "370481117", Name: "滕州市官桥镇官桥村", Urban: false},
				Members: []wire.Member{
					with(m("P0010-1", "徐春花", "370481197005189021", "本人", "女", "1970-05-18", "employed"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("wage", 1100, "申报")} }),
					with(m("P0010-2", "徐建军", "370481196811119015", "配偶", "男", "1968-11-11", "unable"),
						func(x *wire.Member) { x.Excluded = "服刑人员" }),
					with(m("P0010-3", "徐娜", "370481200904029026", "子女", "女", "2009-04-02", "student"),
						func(x *wire.Member) { x.School = "senior" }),
				},
				Property:    wire.Property{DepositsFen: 2000 * yuan, Homes: 1, HomeAreaM2: 80},
				Spending12m: wire.Spending{EducationFen: 3000 * yuan},
				Supporters:  []wire.Supporter{{Name: "徐磊", Relation: "子女", Able: true, MonthlyFen: 4000 * yuan}},
			},
		},
		{
			exercises: "Low declared income but a car, a company role and 120,000 yuan of deposits: 低保 unlikely (property over the rule)",
			reject:    map[string]string{wire.ItemDibao: "经核对，家庭拥有机动车辆并登记有经营性企业，财产状况不符合低保条件"},
			household: wire.Household{
				ID:     "TZH-0011",
				Region: wire.Region{Code: "370481109", Name: "滕州市级索镇级索村", Urban: false},
				Members: []wire.Member{
					with(m("P0011-1", "韩涛", "370481198508081113", "本人", "男", "1985-08-08", "employed"),
						func(x *wire.Member) { x.Incomes = []wire.Income{income("business", 800, "申报")} }),
					m("P0011-2", "曹敏", "370481198712121127", "配偶", "女", "1987-12-12", "unemployed"),
				},
				Property: wire.Property{DepositsFen: 120000 * yuan, Homes: 1, HomeAreaM2: 140, CompanyRoles: 1,
					Vehicles: []wire.Vehicle{{Kind: "小型汽车"}}},
				Spending12m: wire.Spending{},
			},
		},
	}
}

// NoRecordIDNumber is a valid 滕州 ID number (钱进, 1992) that has no
// household record: a look-up is ErrNotFound, and the applicant may still
// apply.
const NoRecordIDNumber = "370481199203150012"

func with(x wire.Member, f func(*wire.Member)) wire.Member {
	f(&x)
	return x
}
