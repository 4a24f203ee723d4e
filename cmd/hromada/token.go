package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/hromada/hromada/internal/store"
)

// token manages the HTTP API's Bearer tokens:
//
//	hromada token create --role analyst --name "Olena, KSE"
//	hromada token list
//	hromada token revoke ID
func token(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub, fs, args, err := subcommand("token", "create|list|revoke", args, stderr)
	if err != nil {
		return err
	}
	role := fs.String("role", "analyst", "create: admin, organiser or analyst")
	name := fs.String("name", "", "create: who the token is for")
	st, err := openStore(ctx, fs, args)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "create":
		if !store.ValidRole(*role) {
			return fmt.Errorf("--role must be admin, organiser or analyst")
		}
		if *name == "" {
			return fmt.Errorf("--name is required: say who the token is for")
		}
		value, id, err := st.CreateToken(ctx, *name, *role)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "token %d for %q (%s) — shown once, keep it secret:\n", id, *name, *role)
		fmt.Fprintln(stdout, value)
		return nil
	case "list":
		tokens, err := st.Tokens(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tROLE\tNAME\tCREATED\tLAST USED\tREVOKED")
		for _, t := range tokens {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Role, t.Name, t.CreatedAt.Format(time.DateTime), when(t.LastUsedAt), when(t.RevokedAt))
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return fmt.Errorf("usage: hromada token revoke ID")
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("token id %q: %w", fs.Arg(0), err)
		}
		if err := st.RevokeToken(ctx, id); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "token %d revoked\n", id)
		return nil
	}
	return fmt.Errorf("unknown token command %q: create, list or revoke", sub)
}

func when(t *time.Time) string {
	if t == nil {
		return "—"
	}
	return t.Format(time.DateTime)
}
