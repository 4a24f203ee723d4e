package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/hromada/hromada/internal/store"
)

// broadcastCmd creates and follows broadcasts for scripted use; the running
// bot (any replica) sends them:
//
//	hromada broadcast send --text "…" [--language uk] [--region UA-63] [--who-survey ID:completed] [--who-event ID:attended]
//	                       [--survey ID | --event ID | --url URL] [--button TEXT] [--at "2026-12-01 10:00"] [--dry-run]
//	hromada broadcast list
//	hromada broadcast cancel ID
func broadcastCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub, fs, args, err := subcommand("broadcast", "send|list|cancel", args, stderr)
	if err != nil {
		return err
	}
	text := fs.String("text", "", "send: the message (Telegram HTML: <b>, <i>, <a href=…>)")
	lang := fs.String("language", "", "send: only citizens who speak this language (uk, en, ru); empty: every subscriber")
	region := fs.String("region", "", "send: only citizens who named this region (e.g. UA-63) in a completed named survey")
	whoSurvey := fs.String("who-survey", "", "send: only citizens who have ID:completed, ID:started or ID:not_started a survey")
	whoEvent := fs.String("who-event", "", "send: only citizens ID:registered, ID:waitlisted or ID:attended for an event")
	dryRun := fs.Bool("dry-run", false, "send: only say how many citizens the audience has now")
	surveyID := fs.String("survey", "", "send: a button that opens this survey")
	eventID := fs.String("event", "", "send: a button that opens this event")
	link := fs.String("url", "", "send: a button that opens this https link")
	button := fs.String("button", "", "send: the button's text (default: \"Take the survey\" or \"Register\" in each citizen's language; required with --url)")
	at := fs.String("at", "", "send: when, as 2026-12-01 10:00 in Europe/Kyiv (default: now)")
	st, err := openStore(ctx, fs, args)
	if err != nil {
		return err
	}
	defer st.Close()
	switch sub {
	case "send":
		a := store.Audience{Language: *lang, Region: *region}
		a.Survey, a.SurveyState, _ = strings.Cut(*whoSurvey, ":")
		a.Event, a.EventState, _ = strings.Cut(*whoEvent, ":")
		if why := a.Valid(); why != "" {
			return fmt.Errorf("--who-survey / --who-event: %s", why)
		}
		b := store.NewBroadcast{Text: *text, ButtonText: *button, Audience: a, At: time.Now()}
		if b.Text == "" && !*dryRun {
			return fmt.Errorf("--text is required")
		}
		set := 0
		for kind, target := range map[string]string{"survey": *surveyID, "event": *eventID, "url": *link} {
			if target != "" {
				b.ButtonKind, b.ButtonTarget = kind, target
				set++
			}
		}
		switch {
		case set > 1:
			return fmt.Errorf("one button at most: --survey, --event or --url")
		case b.ButtonKind == "url":
			if u, err := url.Parse(*link); err != nil || u.Scheme != "https" || u.Host == "" {
				return fmt.Errorf("--url must be an https:// link")
			}
			if *button == "" {
				return fmt.Errorf("--button is required with --url")
			}
		}
		if *at != "" {
			loc, _ := time.LoadLocation("Europe/Kyiv")
			t, err := time.ParseInLocation("2006-01-02 15:04", *at, loc)
			if err != nil {
				return fmt.Errorf("--at: write it as 2026-12-01 10:00 (Kyiv time)")
			}
			b.ScheduledAt = t
		}
		size, err := st.AudienceSize(ctx, b.Audience)
		if err != nil {
			return err
		}
		if *dryRun {
			fmt.Fprintf(stdout, "%d recipients now\n", size)
			return nil
		}
		created, err := st.CreateBroadcast(ctx, b)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "broadcast %d: %s, %d recipients now (%s)\n", created.ID, created.Status, size, created.ScheduledAt.Local().Format("2006-01-02 15:04"))
		return nil
	case "list":
		list, err := st.Broadcasts(ctx, 50)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATUS\tSCHEDULED\tRECIPIENTS\tSENT\tBLOCKED\tFAILED\tSKIPPED\tPENDING\tTAPS\tSTARTED\tCOMPLETED\tREGISTERED")
		var refused []string
		for _, b := range list {
			r, err := st.Results(ctx, b.ID)
			if err != nil {
				return err
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", b.ID, b.Status, b.ScheduledAt.Local().Format("2006-01-02 15:04"),
				b.Recipients, r.Sent, r.Blocked, r.Failed, r.Skipped, r.Pending, r.Taps, r.Started, r.Completed, r.Registered)
			if b.Failure != "" {
				refused = append(refused, fmt.Sprintf("broadcast %d was stopped: Telegram refused its message: %s", b.ID, b.Failure))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, line := range refused {
			fmt.Fprintln(stdout, line)
		}
		return nil
	case "cancel":
		if fs.NArg() != 1 {
			return fmt.Errorf("usage: hromada broadcast cancel ID")
		}
		id, err := strconv.ParseInt(fs.Arg(0), 10, 64)
		if err != nil {
			return fmt.Errorf("usage: hromada broadcast cancel ID")
		}
		if err := st.CancelBroadcast(ctx, id, time.Now()); err != nil {
			return fmt.Errorf("broadcast %d is neither scheduled nor running", id)
		}
		fmt.Fprintf(stdout, "broadcast %d cancelled\n", id)
		return nil
	}
	return fmt.Errorf("usage: hromada broadcast send|list|cancel")
}
