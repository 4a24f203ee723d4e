package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/hromada/hromada/internal/store"
)

// admin manages the team's roles from the command line (the first admin
// starts here):
//
//	hromada admin grant --telegram-id 123456789 --role admin
//	hromada admin revoke --telegram-id 123456789 --role analyst
//	hromada admin list
func admin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub, fs, args, err := subcommand("admin", "grant|revoke|list", args, stderr)
	if err != nil {
		return err
	}
	id := fs.Int64("telegram-id", 0, "grant, revoke: the person's Telegram user id")
	role := fs.String("role", "", "grant, revoke: admin, organiser or analyst")
	st, err := openStore(ctx, fs, args)
	if err != nil {
		return err
	}
	defer st.Close()
	if sub == "list" {
		staff, err := st.Staff(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "TELEGRAM ID\tROLE\tGRANTED")
		for _, s := range staff {
			fmt.Fprintf(tw, "%d\t%s\t%s\n", s.TelegramID, s.Role, s.GrantedAt.Format(time.DateTime))
		}
		return tw.Flush()
	}
	if !store.ValidRole(*role) {
		return fmt.Errorf("--role must be admin, organiser or analyst")
	}
	if *id <= 0 {
		return fmt.Errorf("--telegram-id is required (the person can see theirs with @userinfobot)")
	}
	switch sub {
	case "grant":
		if err := st.Grant(ctx, *id, *role, nil); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%d is now %s\n", *id, *role)
		return nil
	case "revoke":
		if err := st.Revoke(ctx, *id, *role); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%d is no longer %s\n", *id, *role)
		return nil
	}
	return fmt.Errorf("unknown admin command %q: grant, revoke or list", sub)
}
