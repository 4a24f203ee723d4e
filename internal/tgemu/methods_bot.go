package tgemu

import (
	"slices"
	"strconv"
	"strings"
)

func (s *Server) getMe(*request) (any, error) {
	return tgBotUser{tgUser: s.bot}, nil
}

// Command is a bot command registered with setMyCommands.
type Command struct {
	Command     string
	Description string
}

func (s *Server) setMyCommands(r *request) (any, error) {
	var cmds []tgBotCommand
	if ok, err := r.decode("commands", &cmds); !ok || err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > 100 {
		return nil, badRequest("too many commands specified")
	}
	out := make([]Command, 0, len(cmds))
	for _, c := range cmds {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := utf16Len(c.Description); n < 1 || n > 256 {
			return nil, badRequest("command description must be non-empty and at most 256 characters long")
		}
		out = append(out, Command(c))
	}
	key, err := commandsKey(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commands[key] = out
	return true, nil
}

func (s *Server) deleteMyCommands(r *request) (any, error) {
	key, err := commandsKey(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, key)
	return true, nil
}

func (s *Server) getMyCommands(r *request) (any, error) {
	key, err := commandsKey(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]tgBotCommand, 0, len(s.commands[key]))
	for _, c := range s.commands[key] {
		out = append(out, tgBotCommand(c))
	}
	return out, nil
}

// commandsKey names the scope and language of a command list.
func commandsKey(r *request) (string, error) {
	scope := tgBotCommandScope{Type: "default"}
	if ok, err := r.decode("scope", &scope); ok && err != nil {
		return "", badRequest("can't parse BotCommandScope JSON object")
	}
	key := scope.Type
	if scope.ChatID != nil {
		key += ":" + strings.Trim(string(scope.ChatID), `"`) // a number or an @username
	}
	if scope.UserID != 0 {
		key += ":" + strconv.FormatInt(scope.UserID, 10)
	}
	return key + "/" + r.str("language_code"), nil
}

func validCommand(c string) bool {
	if len(c) < 1 || len(c) > 32 {
		return false
	}
	for _, r := range c {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '_' {
			return false
		}
	}
	return true
}

// Commands returns the commands set with setMyCommands for a scope and
// language. Scope is the scope's type ("default", "all_private_chats", …),
// followed by ":<chat_id>" for chat scopes; "" means "default".
func (s *Server) Commands(scope, languageCode string) []Command {
	if scope == "" {
		scope = "default"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[strings.TrimSpace(scope)+"/"+languageCode])
}
