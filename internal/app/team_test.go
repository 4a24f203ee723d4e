package app_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hromada/hromada/internal/tgemu"
)

// TestTeamInTelegram: an admin manages the team with /team; the last admin
// cannot be removed; anyone else gets the answer to an unknown command.
func TestTeamInTelegram(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	admin, helper, citizen := e.emu.NewCitizen("Адмін", "uk"), e.emu.NewCitizen("Помічниця", "uk"), e.emu.NewCitizen("Громадянин", "uk")
	for _, c := range []*tgemu.Citizen{admin, helper, citizen} {
		e.consent(c)
	}
	if err := e.app.Store.Grant(context.Background(), admin.ID(), "admin", nil); err != nil {
		t.Fatal(err)
	}
	e.send(citizen, "/team", "Не знаю такої команди")
	e.send(citizen, fmt.Sprintf("/team grant %d admin", citizen.ID()), "Не знаю такої команди")
	if n := e.queryInt(`SELECT count(*) FROM staff`); n != 1 {
		t.Fatalf("a citizen changed the team: %d roles", n)
	}

	list := e.send(admin, "/team", "Команда")
	if !strings.Contains(list.PlainText(), fmt.Sprintf("%d — admin", admin.ID())) {
		t.Errorf("/team:\n%s", list.PlainText())
	}
	e.send(admin, fmt.Sprintf("/team grant %d organiser", helper.ID()), "тепер має роль organiser")
	if n := e.queryInt(`SELECT count(*) FROM staff WHERE telegram_id = $1 AND role = 'organiser' AND granted_by = $2`, helper.ID(), admin.ID()); n != 1 {
		t.Errorf("the grant was not stored with who granted it")
	}
	e.send(helper, "/attendees", "") // now allowed: no "unknown command"
	for _, m := range helper.Messages() {
		if strings.Contains(m.PlainText(), "Не знаю такої команди") {
			t.Errorf("the new organiser was refused /attendees")
		}
	}
	e.send(admin, "/team grant 12 boss", "/team grant <telegram id>")
	e.send(admin, "/team revoke 12 analyst", "не мав ролі analyst")
	e.send(admin, fmt.Sprintf("/team revoke %d admin", admin.ID()), "Останнього адміністратора не можна прибрати")
	e.send(admin, fmt.Sprintf("/team revoke %d organiser", helper.ID()), "більше не має ролі organiser")
	e.send(helper, "/attendees", "Не знаю такої команди")
}

// TestStopAndStartAgain: /stop turns invitations off (and says so), /start
// turns them on again.
func TestStopAndStartAgain(t *testing.T) {
	e := newEnv(t, tgemu.Options{})
	e.start()
	c := e.emu.NewCitizen("Віра", "uk")
	e.consent(c)
	e.send(c, "/stop", "більше не отримуватимете від нас запрошень")
	if n := e.queryInt(`SELECT count(*) FROM citizens WHERE NOT subscribed`); n != 1 {
		t.Fatalf("/stop did not unsubscribe")
	}
	e.send(c, "/start", "Запрошення знову ввімкнено")
	if n := e.queryInt(`SELECT count(*) FROM citizens WHERE subscribed`); n != 1 {
		t.Fatalf("/start did not subscribe again")
	}
	e.send(c, "/start", "Відкриті опитування")
	e.waitIdle()
	told := 0
	for _, m := range c.Messages() {
		if strings.Contains(m.PlainText(), "знову ввімкнено") {
			told++
		}
	}
	if told != 1 {
		t.Errorf("told %d times that invitations are on again, want once", told)
	}
}
