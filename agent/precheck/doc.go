// Package precheck is the 一键核对 of the 一证申请 flow: it compares a
// household the platform holds with the social-assistance standards and
// says which items the household may fit, with the figures, for the
// applicant (as hints, never refusals) and for the caseworker (with the
// rule and the document behind each figure). It also writes each item's
// 一次性告知 (what it is, on what basis, the conditions, the steps, the
// materials still to bring, the time limit, whom to ask, how to object).
//
// # Concepts
//
// Rules are read from a TOML file: the standards as data, so that a new
// 低保 standard, a new region or next year's figures need no change of
// code. Default returns the embedded rules for 滕州市 (370481), in which
// every local figure not yet found in an official notice is a sample
// (sample = true) that shows up on each test using it; Load reads a
// deployment's own file in the same format (DefaultFile is a template).
//
// Evaluate runs every item's tests on a household for a day. The items
// are those of protocol/platform (dibao, tekun, bianyuan, gangxing,
// linshi, yiliao, jiaoyu, zhufang, jiuye, kangfu); their tests are code,
// their figures and texts are data.
//
// # The rules file
//
// A file has format = 1, an optional title, and three kinds of entries:
//
//	[[standard]]                      # one figure, in force over a period
//	region = "370481"                 # "default", or a GB/T 2260 code of 6, 9, 12 or 15 digits
//	area = "rural"                    # urban, rural or all (the default)
//	item = "dibao"                    # an item code, or common (shared by the items)
//	param = "standard"                # what the figure is (see below)
//	value = 780                       # a number, true/false or a list of strings
//	unit = "yuan/month"               # needed when the parameter takes more than one unit
//	effective_from = 2025-01-01       # inclusive
//	effective_to = 2025-12-31         # inclusive; optional (open-ended)
//	source = "枣庄市民政局 …号文"      # the document the figure comes from
//	sample = true                     # the local figure is not known yet
//	note = "…"                        # optional, for the people who edit the file
//
//	[item.dibao]                      # an item's texts
//	name, short, explain, basis, conditions = [...], steps = [...],
//	time_limit = "30 个工作日…", time_limit_days = 30, time_limit_sample,
//	appeal = "…"
//	[[item.dibao.material]]           # name, have = platform|kiosk|applicant, when, note
//
//	[[contact]]                       # region (default "default"), item (optional), name, phone, sample
//
// A standard is looked up for the household's region code, then its
// shorter prefixes (12, 9, 6 digits), its prefecture (4 digits + "00"),
// its province (2 digits + "0000") and "default"; within a region, the
// item's own row before the common one, and the urban or rural row before
// the "all" one; and of those rows, the one in force on the day. Two rows
// for the same region, area, item and parameter may not be in force on
// the same day. A standard not set for the day makes its test unknown and
// the item possible.
//
// Units: yuan/month and yuan/year (per person), yuan (per person),
// months (of the 低保 standard), ratio (a decimal: 1.5, 0.5), years
// (周岁), count, m2 (per person), bool and list. Numbers are read from
// their text, exactly: money keeps at most 2 decimals (fen), ratios 4.
//
// Parameters (item → parameter, unit):
//
//	common (each also settable per item that uses it):
//	  near_margin            ratio       within this share above a line: possible, not unlikely
//	  disposable_income      yuan/year   last year's per-capita disposable income
//	  exclude_income.KIND    bool        wage, business, property, transfer, pension, support, farm
//	  deposits_per_person    yuan|months deposits etc. per person at most
//	  vehicle_kinds          list        vehicle kinds that count (exempt ones never do)
//	  max_vehicles           count
//	  max_homes              count       more homes than this …
//	  home_area_per_person   m2          … and more area per person than this: over
//	  company_role_allowed   bool        a member running a business
//	  recent_home_purchase_allowed bool  a home bought or built in the last year
//	dibao:    standard (yuan/month|yuan/year)
//	tekun:    age_old, minor_under, supporter_age_min (years); disability_grade.KIND (count 1–4:
//	          this grade or more severe; KIND 视力 听力 言语 肢体 智力 精神 多重)
//	bianyuan: multiplier (ratio)
//	gangxing: spending_share (ratio of 12 months' income)
//	linshi:   after_spending_multiplier (ratio of the 低保 standard)
//	yiliao, jiaoyu, zhufang, jiuye, kangfu: groups (list of dibao, tekun, bianyuan,
//	          gangxing, orphan, monitored; for kangfu, [] means every family)
//	yiliao:   medical_spending_min (yuan over 12 months)
//	zhufang:  area_per_person_below (m2)
//	jiuye:    age_min, age_max_male, age_max_female (years)
//	kangfu:   age_max (years), kinds (list of disability kinds)
//
// Decoding is strict: every problem is reported at once with the file,
// line and key path (Error, Errors). Text an applicant reads may not say
// 不符合, 拒绝, 失败 or 你 (flow-screens §7).
//
// # Money and rounding
//
// Amounts are fen (int64) from the platform to the comparison; a
// per-capita figure is an exact fraction compared in math/big; a standard
// times a multiplier is rounded half up to the fen before comparing.
// Figures are shown in yuan rounded half up, except when that would make
// a figure look equal to the standard it differs from: then it is shown
// to the fen, rounded towards the truth. No float is involved, except the
// platform's floor area (m²), rounded half up to 0.01 m² on entry.
//
// # Verdicts
//
// A test passes, is near (not met by less than near_margin), unknown, or
// not met. An item is likely when every test passes, unlikely when one is
// not met, possible otherwise. Items for certain families (医疗, 教育,
// 住房, 就业, 康复) are likely for a family that receives 低保 (or what
// their groups name) now, possible for one this pre-check finds likely or
// possibly fit for it. A household that already receives an item gets
// unlikely with a summary saying so. The summaries follow flow-screens §7.
package precheck
