package core

import (
	"testing"

	"github.com/kiosk-agent/kiosk-agent/agent/config"
	"github.com/kiosk-agent/kiosk-agent/agent/evidence"
)

// The documents name the offices of the [office] configuration, and the
// general wording where it is empty.
func TestDocumentsNameTheConfiguredOffice(t *testing.T) {
	d := newFlowDocuments(nil, evidence.PublicKey{}, "kiosk", "3", config.Office{Name: "龙泉街道便民服务中心",
		CivilAffairs: "滕州市民政局", CheckAgency: "滕州市居民家庭经济状况核对中心", Address: "学院中路 1 号", Phone: "0632-5512345"})
	o := d.office()
	if o.Name != "龙泉街道便民服务中心" || o.CivilAffairs != "滕州市民政局" || o.CheckAgency != "滕州市居民家庭经济状况核对中心" ||
		o.Address != "学院中路 1 号" || o.Phone != "0632-5512345" || o.Window != "龙泉街道便民服务中心 3 号窗口" || len(o.Supervision) != 2 {
		t.Errorf("configured office: %+v", o)
	}
	o = newFlowDocuments(nil, evidence.PublicKey{}, "kiosk", "3", config.Office{}).office()
	if o.Name != "" || o.CivilAffairs != "县（市、区）民政局" || o.Window != "3 号窗口" || o.Phone != "" {
		t.Errorf("no office configured: %+v", o)
	}
}
