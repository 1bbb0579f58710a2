package discordtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Discord's documented limits, enforced on every message-bearing body.
const (
	maxContent        = 2000
	maxEmbeds         = 10
	maxEmbedTitle     = 256
	maxEmbedDesc      = 4096
	maxEmbedFields    = 25
	maxFieldName      = 256
	maxFieldValue     = 1024
	maxFooterText     = 2048
	maxAuthorName     = 256
	maxEmbedTotal     = 6000
	maxActionRows     = 5
	maxRowComponents  = 5
	maxCustomID       = 100
	maxButtonLabel    = 80
	maxButtonURL      = 512
	maxSelectOptions  = 25
	maxSelectText     = 100
	maxPlaceholder    = 150
	maxChoices        = 25
	maxChoiceName     = 100
	maxChoiceValue    = 100
	maxModalTitle     = 45
	maxTextInputLabel = 45
	maxTextInputValue = 4000
	maxMentionIDs     = 100
)

// Message flags a bot may set when sending.
const (
	flagSuppressEmbeds        = 1 << 2
	flagEphemeral             = 1 << 6
	flagLoading               = 1 << 7
	flagSuppressNotifications = 1 << 12
	flagComponentsV2          = 1 << 15
)

// FieldError is one reason a request body was rejected with 400 "Invalid Form
// Body" (code 50035). Path and Code follow Discord's error object, where the
// path is the dotted location of the field, such as "embeds.0.title" or
// "data.choices".
type FieldError struct {
	Path    string
	Code    string
	Message string
}

// String formats the error as "path: message".
func (e FieldError) String() string {
	if e.Path == "" {
		return e.Message
	}
	return e.Path + ": " + e.Message
}

type formErrors []FieldError

func (f *formErrors) add(path, code, format string, args ...any) {
	*f = append(*f, FieldError{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// body renders the errors as Discord's nested "errors" object.
func (f formErrors) body() map[string]any {
	root := map[string]any{}
	for _, e := range f {
		node := root
		if e.Path != "" {
			for _, part := range strings.Split(e.Path, ".") {
				child, ok := node[part].(map[string]any)
				if !ok {
					child = map[string]any{}
					node[part] = child
				}
				node = child
			}
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": e.Code, "message": e.Message})
	}
	return root
}

func join(prefix, name string) string {
	if prefix == "" {
		return name
	}
	return prefix + "." + name
}

func runes(s string) int { return utf8.RuneCountInString(s) }

func (f *formErrors) maxLen(path, s string, n int) {
	if runes(s) > n {
		f.add(path, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", n)
	}
}

func (f *formErrors) required(path, s string, n int) {
	if s == "" {
		f.add(path, "BASE_TYPE_REQUIRED", "This field is required")
		return
	}
	f.maxLen(path, s, n)
}

func (f *formErrors) decode(path string, raw json.RawMessage, v any) bool {
	if err := json.Unmarshal(raw, v); err != nil {
		if te, ok := err.(*json.UnmarshalTypeError); ok && te.Field != "" {
			path = join(path, te.Field)
		}
		f.add(path, "BASE_TYPE_INVALID", "Could not interpret %s: %v", truncate(string(raw), 40), err)
		return false
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func isURL(s string, schemes ...string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Host != "" && slices.Contains(schemes, u.Scheme)
}

// msgInput is a validated message-bearing body: which fields were present,
// with their values. A present null sets the field's null flag.
type msgInput struct {
	contentSet, contentNull bool
	content                 string

	embedsSet bool
	embeds    []json.RawMessage // normalized, nil when null or absent

	componentsSet bool
	components    []json.RawMessage

	allowedMentions *allowedMentions // nil when absent or null

	reference *messageRefInput

	flagsSet bool
	flags    int64

	tts      bool
	stickers int

	attachmentsSet bool
	attachments    []json.RawMessage

	poll json.RawMessage

	nonce        string // a string, or an integer's digits
	enforceNonce bool
}

// maxNonce is the longest nonce Discord accepts.
const maxNonce = 25

type allowedMentions struct {
	Parse       []string `json:"parse"`
	Users       []string `json:"users"`
	Roles       []string `json:"roles"`
	RepliedUser bool     `json:"replied_user"`
}

type messageRefInput struct {
	Type            int    `json:"type"`
	MessageID       string `json:"message_id"`
	ChannelID       string `json:"channel_id"`
	GuildID         string `json:"guild_id"`
	FailIfNotExists *bool  `json:"fail_if_not_exists"`
}

type fileInfo struct {
	Name string
	Size int
}

// parseMessage validates the message object raw found at prefix ("" for a
// top-level body, "data" inside an interaction callback) and returns what it
// sets. A body that is not an object is reported as an error.
func parseMessage(fe *formErrors, prefix string, raw json.RawMessage) msgInput {
	var in msgInput
	var fields map[string]json.RawMessage
	if len(raw) == 0 || isNull(raw) {
		return in
	}
	if !fe.decode(prefix, raw, &fields) {
		return in
	}
	if v, ok := fields["content"]; ok {
		in.contentSet = true
		if isNull(v) {
			in.contentNull = true
		} else if fe.decode(join(prefix, "content"), v, &in.content) {
			fe.maxLen(join(prefix, "content"), in.content, maxContent)
		}
	}
	if v, ok := fields["flags"]; ok && !isNull(v) {
		in.flagsSet = fe.decode(join(prefix, "flags"), v, &in.flags)
	}
	if v, ok := fields["tts"]; ok && !isNull(v) {
		fe.decode(join(prefix, "tts"), v, &in.tts)
	}
	if v, ok := fields["sticker_ids"]; ok && !isNull(v) {
		var ids []string
		if fe.decode(join(prefix, "sticker_ids"), v, &ids) {
			in.stickers = len(ids)
			if len(ids) > 3 {
				fe.add(join(prefix, "sticker_ids"), "BASE_TYPE_MAX_LENGTH", "Must be 3 or fewer in length.")
			}
		}
	}
	if v, ok := fields["poll"]; ok && !isNull(v) {
		in.poll = v
	}
	if v, ok := fields["nonce"]; ok && !isNull(v) {
		var n json.Number
		if json.Unmarshal(v, &in.nonce) == nil {
			fe.maxLen(join(prefix, "nonce"), in.nonce, maxNonce)
		} else if json.Unmarshal(v, &n) == nil {
			in.nonce = n.String()
		} else {
			fe.add(join(prefix, "nonce"), "BASE_TYPE_INVALID", "Nonce must be an integer or a string.")
		}
	}
	if v, ok := fields["enforce_nonce"]; ok && !isNull(v) {
		fe.decode(join(prefix, "enforce_nonce"), v, &in.enforceNonce)
	}
	if v, ok := fields["attachments"]; ok {
		in.attachmentsSet = true
		if !isNull(v) {
			fe.decode(join(prefix, "attachments"), v, &in.attachments)
		}
	}
	if v, ok := fields["embeds"]; ok {
		in.embedsSet = true
		if !isNull(v) {
			in.embeds = parseEmbeds(fe, join(prefix, "embeds"), v)
		}
	}
	if v, ok := fields["components"]; ok {
		in.componentsSet = true
		if !isNull(v) {
			var comps []json.RawMessage
			if fe.decode(join(prefix, "components"), v, &comps) {
				in.components = comps
				if in.flags&flagComponentsV2 == 0 {
					validateMessageComponents(fe, join(prefix, "components"), comps)
				}
			}
		}
	}
	if in.flags&flagComponentsV2 != 0 {
		if in.content != "" {
			fe.add(join(prefix, "content"), "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "The 'content' field cannot be used when using MessageFlags.IS_COMPONENTS_V2")
		}
		if len(in.embeds) > 0 {
			fe.add(join(prefix, "embeds"), "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "The 'embeds' field cannot be used when using MessageFlags.IS_COMPONENTS_V2")
		}
	}
	if v, ok := fields["allowed_mentions"]; ok && !isNull(v) {
		in.allowedMentions = parseAllowedMentions(fe, join(prefix, "allowed_mentions"), v)
	}
	if v, ok := fields["message_reference"]; ok && !isNull(v) {
		var ref messageRefInput
		if fe.decode(join(prefix, "message_reference"), v, &ref) {
			in.reference = &ref
		}
	}
	return in
}

func parseAllowedMentions(fe *formErrors, path string, raw json.RawMessage) *allowedMentions {
	var am allowedMentions
	if !fe.decode(path, raw, &am) {
		return nil
	}
	for i, p := range am.Parse {
		if p != "users" && p != "roles" && p != "everyone" {
			fe.add(join(path, "parse."+strconv.Itoa(i)), "BASE_TYPE_CHOICES", "Value must be one of ('roles', 'users', 'everyone').")
		}
	}
	if slices.Contains(am.Parse, "users") && len(am.Users) > 0 {
		fe.add(path, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["users"] and users: [ids...] are mutually exclusive.`)
	}
	if slices.Contains(am.Parse, "roles") && len(am.Roles) > 0 {
		fe.add(path, "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE", `parse:["roles"] and roles: [ids...] are mutually exclusive.`)
	}
	if len(am.Users) > maxMentionIDs {
		fe.add(join(path, "users"), "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", maxMentionIDs)
	}
	if len(am.Roles) > maxMentionIDs {
		fe.add(join(path, "roles"), "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", maxMentionIDs)
	}
	return &am
}

type embedInput struct {
	Title       string  `json:"title"`
	Description string  `json:"description"`
	URL         string  `json:"url"`
	Timestamp   string  `json:"timestamp"`
	Color       float64 `json:"color"`
	Footer      *struct {
		Text    string `json:"text"`
		IconURL string `json:"icon_url"`
	} `json:"footer"`
	Author *struct {
		Name    string `json:"name"`
		URL     string `json:"url"`
		IconURL string `json:"icon_url"`
	} `json:"author"`
	Fields []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
	Image     *struct{ URL string } `json:"image"`
	Thumbnail *struct{ URL string } `json:"thumbnail"`
}

// parseEmbeds validates an embeds array and returns its elements with
// "type":"rich" filled in where missing, as Discord stores them.
func parseEmbeds(fe *formErrors, path string, raw json.RawMessage) []json.RawMessage {
	var list []json.RawMessage
	if !fe.decode(path, raw, &list) {
		return nil
	}
	if len(list) > maxEmbeds {
		fe.add(path, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", maxEmbeds)
	}
	total := 0
	out := make([]json.RawMessage, 0, len(list))
	for i, el := range list {
		p := join(path, strconv.Itoa(i))
		var e embedInput
		if !fe.decode(p, el, &e) {
			continue
		}
		fe.maxLen(join(p, "title"), e.Title, maxEmbedTitle)
		fe.maxLen(join(p, "description"), e.Description, maxEmbedDesc)
		total += runes(e.Title) + runes(e.Description)
		if e.URL != "" && !isURL(e.URL, "http", "https") {
			fe.add(join(p, "url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
		}
		if e.Timestamp != "" {
			if _, err := time.Parse(time.RFC3339, e.Timestamp); err != nil {
				fe.add(join(p, "timestamp"), "DATE_TIME_TYPE_PARSE", "Could not parse %s. Should be ISO8601.", e.Timestamp)
			}
		}
		if e.Color < 0 || e.Color > 0xFFFFFF || e.Color != float64(int64(e.Color)) {
			fe.add(join(p, "color"), "NUMBER_TYPE_MAX", "int value should be less than or equal to 16777215.")
		}
		if len(e.Fields) > maxEmbedFields {
			fe.add(join(p, "fields"), "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", maxEmbedFields)
		}
		for j, f := range e.Fields {
			fp := join(p, "fields."+strconv.Itoa(j))
			fe.required(join(fp, "name"), f.Name, maxFieldName)
			fe.required(join(fp, "value"), f.Value, maxFieldValue)
			total += runes(f.Name) + runes(f.Value)
		}
		if e.Footer != nil {
			fe.required(join(p, "footer.text"), e.Footer.Text, maxFooterText)
			total += runes(e.Footer.Text)
		}
		if e.Author != nil {
			fe.required(join(p, "author.name"), e.Author.Name, maxAuthorName)
			total += runes(e.Author.Name)
			if e.Author.URL != "" && !isURL(e.Author.URL, "http", "https") {
				fe.add(join(p, "author.url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
			}
		}
		for name, img := range map[string]*struct{ URL string }{"image": e.Image, "thumbnail": e.Thumbnail} {
			if img != nil && !isURL(img.URL, "http", "https", "attachment") {
				fe.add(join(p, name+".url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
			}
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(el, &obj) == nil {
			if _, ok := obj["type"]; !ok {
				obj["type"] = json.RawMessage(`"rich"`)
			}
			el, _ = json.Marshal(obj)
		}
		out = append(out, el)
	}
	if total > maxEmbedTotal {
		fe.add(path, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of %d", maxEmbedTotal)
	}
	return out
}

type componentInput struct {
	Type       int               `json:"type"`
	Components []json.RawMessage `json:"components"`
	CustomID   *string           `json:"custom_id"`
	Label      string            `json:"label"`
	Style      int               `json:"style"`
	URL        string            `json:"url"`
	SKUID      string            `json:"sku_id"`
	Disabled   bool              `json:"disabled"`
	Emoji      json.RawMessage   `json:"emoji"`
	Options    []struct {
		Label       string `json:"label"`
		Value       string `json:"value"`
		Description string `json:"description"`
	} `json:"options"`
	Placeholder string `json:"placeholder"`
	MinValues   *int   `json:"min_values"`
	MaxValues   *int   `json:"max_values"`
	MinLength   *int   `json:"min_length"`
	MaxLength   *int   `json:"max_length"`
	Value       string `json:"value"`
}

func isSelect(t int) bool { return t == 3 || (t >= 5 && t <= 8) }

// validateMessageComponents checks the classic (non components-v2) layout:
// up to five action rows of up to five buttons, or one select menu.
func validateMessageComponents(fe *formErrors, path string, rows []json.RawMessage) {
	if len(rows) > maxActionRows {
		fe.add(path, "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", maxActionRows)
	}
	seen := map[string]bool{}
	for i, raw := range rows {
		rp := join(path, strconv.Itoa(i))
		var row componentInput
		if !fe.decode(rp, raw, &row) {
			continue
		}
		if row.Type != 1 {
			fe.add(join(rp, "type"), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (1,).")
			continue
		}
		cp := join(rp, "components")
		if len(row.Components) < 1 || len(row.Components) > maxRowComponents {
			fe.add(cp, "BASE_TYPE_BAD_LENGTH", "Must be between 1 and %d in length.", maxRowComponents)
		}
		width := 0
		for j, craw := range row.Components {
			p := join(cp, strconv.Itoa(j))
			var c componentInput
			if !fe.decode(p, craw, &c) {
				continue
			}
			switch {
			case c.Type == 2:
				width++
				validateButton(fe, p, c)
			case isSelect(c.Type):
				width += 5
				validateSelect(fe, p, c)
			default:
				fe.add(join(p, "type"), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (2, 3, 5, 6, 7, 8).")
			}
			if c.CustomID != nil && *c.CustomID != "" {
				if seen[*c.CustomID] {
					fe.add(join(p, "custom_id"), "COMPONENT_CUSTOM_ID_DUPLICATED", "Component custom id cannot be duplicated")
				}
				seen[*c.CustomID] = true
			}
		}
		if width > maxRowComponents && len(row.Components) <= maxRowComponents {
			fe.add(cp, "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "The specified component exceeds the maximum width")
		}
	}
}

func validateButton(fe *formErrors, p string, c componentInput) {
	fe.maxLen(join(p, "label"), c.Label, maxButtonLabel)
	switch c.Style {
	case 1, 2, 3, 4:
		if c.CustomID == nil || *c.CustomID == "" {
			fe.add(join(p, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "A custom id is required")
		} else {
			fe.maxLen(join(p, "custom_id"), *c.CustomID, maxCustomID)
		}
		if c.URL != "" {
			fe.add(join(p, "url"), "BUTTON_COMPONENT_URL_NOT_ALLOWED", "A url cannot be specified for non-link buttons")
		}
	case 5:
		if c.URL == "" {
			fe.add(join(p, "url"), "BUTTON_COMPONENT_URL_REQUIRED", "A url is required")
		} else if runes(c.URL) > maxButtonURL {
			fe.maxLen(join(p, "url"), c.URL, maxButtonURL)
		} else if !isURL(c.URL, "http", "https", "discord") {
			fe.add(join(p, "url"), "URL_TYPE_INVALID_URL", "Not a well formed URL.")
		}
		if c.CustomID != nil && *c.CustomID != "" {
			fe.add(join(p, "custom_id"), "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "A custom id cannot be specified for link buttons")
		}
	case 6:
		if c.SKUID == "" {
			fe.add(join(p, "sku_id"), "BUTTON_COMPONENT_SKU_ID_REQUIRED", "A sku id is required")
		}
	default:
		fe.add(join(p, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2, 3, 4, 5, 6}.")
	}
	if c.Style != 6 && c.Label == "" && (len(c.Emoji) == 0 || isNull(c.Emoji)) {
		fe.add(p, "BUTTON_COMPONENT_LABEL_OR_EMOJI_REQUIRED", "A label or emoji is required")
	}
}

func validateSelect(fe *formErrors, p string, c componentInput) {
	if c.CustomID == nil || *c.CustomID == "" {
		fe.add(join(p, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
	} else {
		fe.maxLen(join(p, "custom_id"), *c.CustomID, maxCustomID)
	}
	fe.maxLen(join(p, "placeholder"), c.Placeholder, maxPlaceholder)
	if c.Type == 3 {
		if len(c.Options) < 1 || len(c.Options) > maxSelectOptions {
			fe.add(join(p, "options"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and %d in length.", maxSelectOptions)
		}
		for k, o := range c.Options {
			op := join(p, "options."+strconv.Itoa(k))
			fe.required(join(op, "label"), o.Label, maxSelectText)
			fe.required(join(op, "value"), o.Value, maxSelectText)
			fe.maxLen(join(op, "description"), o.Description, maxSelectText)
		}
	}
	if c.MinValues != nil && (*c.MinValues < 0 || *c.MinValues > 25) {
		fe.add(join(p, "min_values"), "NUMBER_TYPE_MAX", "int value should be less than or equal to 25.")
	}
	if c.MaxValues != nil && (*c.MaxValues < 1 || *c.MaxValues > 25) {
		fe.add(join(p, "max_values"), "NUMBER_TYPE_MAX", "int value should be less than or equal to 25.")
	}
}

// validateChoices checks the data of an autocomplete result (callback type 8).
func validateChoices(fe *formErrors, raw json.RawMessage) []choiceInput {
	var data struct {
		Choices []choiceInput `json:"choices"`
	}
	if len(raw) == 0 || isNull(raw) {
		fe.add("data", "BASE_TYPE_REQUIRED", "This field is required")
		return nil
	}
	if !fe.decode("data", raw, &data) {
		return nil
	}
	if len(data.Choices) > maxChoices {
		fe.add("data.choices", "BASE_TYPE_MAX_LENGTH", "Must be %d or fewer in length.", maxChoices)
	}
	for i, c := range data.Choices {
		p := "data.choices." + strconv.Itoa(i)
		if runes(c.Name) < 1 || runes(c.Name) > maxChoiceName {
			fe.add(join(p, "name"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and %d in length.", maxChoiceName)
		}
		switch v := c.Value.(type) {
		case string:
			if runes(v) < 1 || runes(v) > maxChoiceValue {
				fe.add(join(p, "value"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and %d in length.", maxChoiceValue)
			}
		case float64:
		default:
			fe.add(join(p, "value"), "BASE_TYPE_REQUIRED", "This field is required")
		}
	}
	return data.Choices
}

type choiceInput struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// validateModal checks the data of a modal response (callback type 9).
func validateModal(fe *formErrors, raw json.RawMessage) (customID, title string) {
	var data struct {
		CustomID   string            `json:"custom_id"`
		Title      string            `json:"title"`
		Components []json.RawMessage `json:"components"`
	}
	if len(raw) == 0 || isNull(raw) {
		fe.add("data", "BASE_TYPE_REQUIRED", "This field is required")
		return "", ""
	}
	if !fe.decode("data", raw, &data) {
		return "", ""
	}
	fe.required("data.custom_id", data.CustomID, maxCustomID)
	fe.required("data.title", data.Title, maxModalTitle)
	if len(data.Components) < 1 || len(data.Components) > 5 {
		fe.add("data.components", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 5 in length.")
	}
	for i, raw := range data.Components {
		rp := "data.components." + strconv.Itoa(i)
		var row componentInput
		if !fe.decode(rp, raw, &row) || row.Type != 1 {
			continue // label components (type 18) and others are not checked
		}
		if len(row.Components) != 1 {
			fe.add(join(rp, "components"), "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 1 in length.")
			continue
		}
		p := join(rp, "components.0")
		var c componentInput
		if !fe.decode(p, row.Components[0], &c) {
			continue
		}
		if c.Type != 4 {
			fe.add(join(p, "type"), "UNION_TYPE_CHOICES", "Value of field \"type\" must be one of (4,).")
			continue
		}
		if c.CustomID == nil {
			fe.add(join(p, "custom_id"), "BASE_TYPE_REQUIRED", "This field is required")
		} else {
			fe.required(join(p, "custom_id"), *c.CustomID, maxCustomID)
		}
		fe.required(join(p, "label"), c.Label, maxTextInputLabel)
		if c.Style != 1 && c.Style != 2 {
			fe.add(join(p, "style"), "BASE_TYPE_CHOICES", "Value must be one of {1, 2}.")
		}
		fe.maxLen(join(p, "value"), c.Value, maxTextInputValue)
		fe.maxLen(join(p, "placeholder"), c.Placeholder, maxSelectText)
		if c.MaxLength != nil && (*c.MaxLength < 1 || *c.MaxLength > maxTextInputValue) {
			fe.add(join(p, "max_length"), "NUMBER_TYPE_MAX", "int value should be less than or equal to %d.", maxTextInputValue)
		}
		if c.MinLength != nil && (*c.MinLength < 0 || *c.MinLength > maxTextInputValue) {
			fe.add(join(p, "min_length"), "NUMBER_TYPE_MAX", "int value should be less than or equal to %d.", maxTextInputValue)
		}
	}
	return data.CustomID, data.Title
}

var (
	commandNameRE = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)
)
