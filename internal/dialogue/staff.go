package dialogue

import (
	"bytes"
	"context"
	"errors"
	"strings"

	"github.com/hromada/hromada/internal/export"
	"github.com/hromada/hromada/internal/report"
	"github.com/hromada/hromada/internal/store"
	"github.com/hromada/hromada/internal/survey"
)

// maxUpload is what a bot may send as a document (Telegram's 50 MB).
const maxUpload = 50 << 20

// allowed is the one place where the team's commands check a role (an admin
// may do everything). A citizen without it gets the same answer as for an
// unknown command; the attempt is logged without the message text.
func (t *talk) allowed(ctx context.Context, command, role string) (bool, error) {
	var ok bool
	err := t.retry(ctx, func(ctx context.Context) (err error) {
		ok, err = t.g.d.Store.HasRole(ctx, t.u.UserID, role)
		return err
	})
	if err != nil {
		return false, err
	}
	if !ok {
		t.g.d.Log.Warn("staff command refused", "chat_id", t.u.ChatID, "command", command)
		t.g.d.Metrics.Problems.WithLabelValues("refused_command").Inc()
		t.toast(t.T("unknown_command"), false)
		if t.u.Callback == nil {
			t.send(Out{Text: esc(t.T("unknown_command"))})
		}
	}
	return ok, nil
}

// pickSurvey lists every survey (closed ones too) as buttons of op, under
// the question prompt.
func (t *talk) pickSurvey(op byte, prompt string) {
	var rows [][]Button
	for _, def := range t.g.d.Surveys.All() {
		label := def.Title.In(t.lang, def.Languages[0])
		rows = append(rows, []Button{{Text: clip(label, 60), Data: action{op: op, arg: surveyKey(def.ID)}.String()}})
	}
	if len(rows) == 0 {
		t.send(Out{Text: esc(t.T("export_empty"))})
		return
	}
	t.send(Out{Text: esc(t.T(prompt)), Buttons: rows})
}

// exportFormats offers the formats of one survey's export.
func (t *talk) exportFormats(key string) {
	if t.g.d.Surveys.ByKey(key) == nil {
		t.staleTap()
		return
	}
	button := func(label, format string) Button {
		return Button{Text: t.T(label), Data: action{op: opFormat, arg: key + "." + format}.String()}
	}
	t.edit(Out{Text: esc(t.T("export_format")), Buttons: [][]Button{
		{button("btn_csv_excel", "csv")}, {button("btn_xlsx", "xlsx")}, {button("btn_long", "long")},
	}})
}

// exportSend makes the file and sends it as a document. Phone numbers and
// locations are in it only for an admin.
func (t *talk) exportSend(ctx context.Context, arg string) error {
	key, format, _ := strings.Cut(arg, ".")
	def := t.g.d.Surveys.ByKey(key)
	switch format {
	case "csv", "xlsx", "long":
	default:
		def = nil
	}
	if def == nil {
		t.staleTap()
		return nil
	}
	if len(t.g.d.ExportKey) == 0 {
		t.send(Out{Text: esc(t.T("export_no_key"))})
		return nil
	}
	admin, err := t.g.d.Store.HasRole(ctx, t.u.UserID, store.RoleAdmin)
	if err != nil {
		return err
	}
	o := export.Options{Format: export.Format(format), Excel: format == "csv", Lang: surveyLang(def, t.lang), Admin: admin, Key: t.g.d.ExportKey}
	var buf bytes.Buffer
	if err := export.Write(ctx, &buf, t.g.d.Store, def.ID, o); err != nil {
		return err
	}
	if buf.Len() > maxUpload {
		t.send(Out{Text: esc(t.T("export_too_big"))})
		return nil
	}
	t.g.d.Log.Info("export sent", "chat_id", t.u.ChatID, "survey", def.ID, "format", format, "bytes", buf.Len())
	t.outs = append(t.outs, Out{Kind: Document, ChatID: t.u.ChatID, Files: []File{{
		Name: export.FileName(def.ID, o.Format), Bytes: buf.Bytes(), Caption: clip(def.Title.In(t.lang, def.Languages[0]), 1000),
	}}})
	return nil
}

// results sends a survey's per-question counts as text and a bar chart per
// choice question as an album. Sensitive questions never appear and counts
// below the threshold read "<5" (package report).
func (t *talk) results(ctx context.Context, def *survey.Survey) error {
	lang := surveyLang(def, t.lang)
	sum, err := report.Load(ctx, t.g.d.Store, def.ID, report.Options{Threshold: report.DefaultThreshold})
	if err != nil {
		return err
	}
	for _, text := range report.Text(sum, lang) {
		t.send(Out{Text: esc(text)})
	}
	var files []File
	for _, q := range sum.Questions {
		png, err := report.Chart(q, lang)
		if errors.Is(err, report.ErrNoChart) {
			continue
		}
		if err != nil {
			return err
		}
		files = append(files, File{Name: q.ID + ".png", Bytes: png})
	}
	for len(files) > 0 { // Telegram takes up to 10 pictures in one album
		n := min(len(files), 10)
		t.outs = append(t.outs, Out{Kind: Album, ChatID: t.u.ChatID, Files: files[:n]})
		files = files[n:]
	}
	return nil
}
