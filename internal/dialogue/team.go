package dialogue

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/hromada/hromada/internal/store"
)

// team is /team for admins: the team's roles, and /team grant|revoke
// <telegram id> <role> to change them. The last admin cannot be revoked.
func (t *talk) team(ctx context.Context, arg string) error {
	fields := strings.Fields(arg)
	if len(fields) == 0 {
		return t.teamList(ctx)
	}
	if len(fields) != 3 || (fields[0] != "grant" && fields[0] != "revoke") {
		t.send(Out{Text: esc(t.T("team_usage"))})
		return nil
	}
	id, err := strconv.ParseInt(fields[1], 10, 64)
	role := strings.ToLower(fields[2])
	if err != nil || id <= 0 || !store.ValidRole(role) {
		t.send(Out{Text: esc(t.T("team_usage"))})
		return nil
	}
	data := map[string]any{"ID": id, "Role": role}
	if fields[0] == "grant" {
		by := t.u.UserID
		if err := t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.Grant(ctx, id, role, &by) }); err != nil {
			return err
		}
		t.g.d.Log.Info("team role granted", "chat_id", t.u.ChatID, "role", role)
		t.send(Out{Text: esc(t.g.d.Catalog.T(t.lang, "team_granted", data))})
		return t.teamList(ctx)
	}
	if role == store.RoleAdmin {
		list, err := t.staff(ctx)
		if err != nil {
			return err
		}
		admins := 0
		for _, r := range list {
			if r.Role == store.RoleAdmin && r.TelegramID != id {
				admins++
			}
		}
		if admins == 0 {
			t.send(Out{Text: esc(t.T("team_last_admin"))})
			return nil
		}
	}
	err = t.retry(ctx, func(ctx context.Context) error { return t.g.d.Store.Revoke(ctx, id, role) })
	if errors.Is(err, store.ErrNotFound) {
		t.send(Out{Text: esc(t.g.d.Catalog.T(t.lang, "team_no_such_role", data))})
		return nil
	}
	if err != nil {
		return err
	}
	t.g.d.Log.Info("team role revoked", "chat_id", t.u.ChatID, "role", role)
	t.send(Out{Text: esc(t.g.d.Catalog.T(t.lang, "team_revoked", data))})
	return t.teamList(ctx)
}

func (t *talk) staff(ctx context.Context) ([]store.StaffRole, error) {
	var list []store.StaffRole
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		list, err = t.g.d.Store.Staff(ctx)
		return err
	})
	return list, err
}

// teamList shows every team member's roles by Telegram id.
func (t *talk) teamList(ctx context.Context) error {
	list, err := t.staff(ctx)
	if err != nil {
		return err
	}
	roles := map[int64][]string{}
	for _, r := range list {
		roles[r.TelegramID] = append(roles[r.TelegramID], r.Role)
	}
	ids := make([]int64, 0, len(roles))
	for id := range roles {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	var b strings.Builder
	b.WriteString(esc(t.T("team_header")))
	for _, id := range ids {
		fmt.Fprintf(&b, "\n<code>%d</code> — %s", id, esc(strings.Join(roles[id], ", ")))
	}
	b.WriteString("\n\n" + esc(t.T("team_usage")))
	t.send(Out{Text: b.String()})
	return nil
}
