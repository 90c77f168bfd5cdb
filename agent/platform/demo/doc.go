// Package demo is the embedded demo platform, the agent's default
// platform: a SQLite database file (modernc.org/sqlite, pure Go, WAL)
// seeded on first open with fictional households that exercise every item
// and the hard cases. It implements platform.Platform in-process, and
// (*Platform).Handler serves the same over HTTP as the contract
// (protocol/platform/openapi.yaml) says, plus GET /demo/applications: what
// it stored, by idempotency key.
//
// # Time
//
// Applications move through 受理 → 调查 → 公示 → 审批 → 办结 on the demo's
// clock, which runs Options.Speed times as fast as real time (86400: a
// day a second, so a 30-working-day 低保 application is done in about 42
// seconds). Stages fall at fixed shares of the application's time limit
// in working days (Monday to Friday; holidays are not modelled): 调查
// after a tenth (3 days for 低保), 公示 at half, 审批 at three quarters,
// 办结 two days before the limit, which is also the deadline. An
// application's limit is its slowest item's (低保 30, 特困 35, 刚性支出 30,
// 临时救助 15; see itemDays). The clock's anchor is in the database, so
// stages never go back across restarts or a change of speed.
//
// At 办结 the result is "approved", unless the household's record turns
// the items down (TZH-0004 and TZH-0011 for 低保), with the reason.
//
// # Households
//
// Names are invented; the ID numbers have valid check characters and
// belong to nobody we know of. Any counted member's number finds the
// household, with that member as its applicant and the relations restated
// to them. Per-person incomes are monthly, without pensions unless said.
//
//	ID number           household  name    case
//	370481195603144828  TZH-0001   王秀英  idcardsim sample card 0: elderly couple, pensions 210 each, husband
//	                                        with uremia, 42,000 medical in 12 months: 低保 likely, then 医疗救助;
//	                                        刚性支出 possible
//	370481195308214010  TZH-0001   张德厚  (her husband, serious illness)
//	370402198811073014  TZH-0002   李建国  idcardsim sample card 1 (ID from 薛城区, hukou moved to 滕州):
//	                                        unemployed, able to work; wife earns 1,800; daughter (5) with autism
//	                                        (精神 grade 2): 600 per person: 低保 likely, 就业救助, 残疾儿童康复救助
//	370481199102172423  TZH-0002   赵丽    (his wife)
//	370481202106090622  TZH-0002   李欣怡  (his daughter, 5, disability)
//	37048119421003202X  TZH-0003   孙桂兰  84, lives alone, pension 160; supporters a son over 70 and a daughter
//	                                        with a grade-1 disability, both unable: 特困 likely
//	370481197904253015  TZH-0004   周强    just over the 低保 line: 4 people on 3,300 (825 per person, 865 with
//	                                        the grandmother's pension): 低保 unlikely (the demo rejects it),
//	                                        低保边缘 likely
//	370481198109123021  TZH-0004   吴芳    (his wife)
//	370481201203304018  TZH-0004   周子涵  (his son, junior school)
//	37048119501205402X  TZH-0004   钱玉珍  (his mother, pension 160)
//	370481197507193039  TZH-0005   陈志刚  son (17) with leukemia, 168,000 out of pocket in 12 months, 1,400 per
//	                                        person: 刚性支出困难 likely, 临时救助 (支出型) and 医疗救助 possible
//	370481197701083044  TZH-0005   孙丽娟  (his wife, cannot work)
//	370481200811233052  TZH-0005   陈宇航  (his son, serious illness)
//	370481198305145017  TZH-0006   马文    house fire, 35,000 of repairs, 1,400 per person: 临时救助 (急难型) likely
//	370481198510025022  TZH-0006   刘燕    (his wife)
//	370481201508195043  TZH-0006   马思雨  (his daughter, primary school)
//	370481197602116023  TZH-0007   郑红    on 低保 now, son at college, 12,000 education: 教育救助 likely
//	370481200609056013  TZH-0007   郑浩    (her son, college)
//	370481197006307018  TZH-0008   冯大勇  on 低保 now, three people in a 32 m² old house: 住房救助 likely
//	370481197203167026  TZH-0008   王桂芝  (his wife, 肢体 grade 3)
//	370481194601207042  TZH-0008   李翠英  (his mother)
//	370481196604098039  TZH-0009   何长海  1,033 per person: 低保边缘 likely; the son may apply for 低保 alone
//	370481196807278048  TZH-0009   杨秀珍  (his wife)
//	370481199612018012  TZH-0009   何军    (his son, 肢体 grade 1: a member with a disability, 单独提出申请)
//	370481197005189021  TZH-0010   徐春花  split household: husband serving a sentence (on the hukou, not
//	                                        counted), married son with his own hukou elsewhere (a supporter,
//	                                        able); she and a daughter at senior school on 1,100 (550 per
//	                                        person): 低保 likely, 教育救助 possible
//	370481196811119015  TZH-0010   徐建军  (her husband, excluded: not found by his number)
//	370481200904029026  TZH-0010   徐娜    (her daughter, senior school)
//	370481198508081113  TZH-0011   韩涛    400 per person declared, but a car, a company role and 120,000 of
//	                                        deposits: 低保 unlikely (the demo rejects it)
//	370481198712121127  TZH-0011   曹敏    (his wife, unemployed)
//	370481199203150012  (none)     钱进    no household record: look-up is ErrNotFound (404); may still apply
//
// The idcardsim samples 2 to 4 are not resident ID cards (a 港澳台 residence
// permit and two foreign permanent-residence cards): the kiosk sends them
// to the window. Looked up anyway, 810000199005200039 and
// 911562198504120013 have no record (404), and USA310085041211 is not an
// ID number (400).
//
// The region codes (370481 plus a 3-digit town part) are illustrative.
package demo
