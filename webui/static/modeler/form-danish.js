/* Danish for the form-js editor. form-js 1.x has no translation mechanism (bpmn-io/form-js#77), so its
   palette, properties panel and canvas hints are translated where they are drawn: a MutationObserver
   replaces the known English texts and tooltips (exact matches and a few patterns) as preact renders
   them. Texts the team lead typed (field labels in the canvas and the panel header) are left alone,
   and in the English locale nothing is changed. */
(function () {
  "use strict";
  /* The widgets of @bpmn-io/properties-panel (both editors' panels): list and section toggles. */
  var PANEL = {
    "Create new list item": "Tilføj en linje",
    "Delete item": "Slet linjen",
    "Toggle list item": "Fold linjen ud eller sammen",
    "Toggle section": "Fold afsnittet ud eller sammen",
    "Section contains an error": "Afsnittet indeholder en fejl",
    "Section contains edits": "Afsnittet er udfyldt",
    "Open documentation": "Åbn dokumentationen",
    "Open pop-up editor": "Åbn i et større vindue",
    "Opened in editor": "Åbnet i et større vindue"
  };
  /* form-js's own texts. */
  var DA = {
    "Components": "Felttyper",
    "Search components": "Søg efter felttyper",
    "Input": "Indtastning",
    "Selection": "Valg",
    "Presentation": "Visning",
    "Containers": "Grupper",
    "Action": "Handling",
    "Text field": "Tekstfelt",
    "Text area": "Tekstområde",
    "Number": "Tal",
    "Date time": "Dato og tid",
    "Datetime": "Dato og tid",
    "Checkbox": "Afkrydsning",
    "Checkbox group": "Tjekliste",
    "Checklist": "Tjekliste",
    "Radio group": "Radioknapper",
    "Radio": "Radioknapper",
    "Select": "Rulleliste",
    "Tag list": "Mærkeliste",
    "Text view": "Tekst",
    "Text": "Tekst",
    "Group": "Gruppe",
    "Dynamic list": "Dynamisk liste",
    "Form": "Formular",
    "Default": "Formular",
    "General": "Generelt",
    "Condition": "Betingelse",
    "Layout": "Layout",
    "Appearance": "Udseende",
    "Validation": "Validering",
    "Constraints": "Begrænsninger",
    "Serialization": "Lagring",
    "Options source": "Valgmuligheder hentes fra",
    "Static options": "Faste valgmuligheder",
    "Options": "Valgmuligheder",
    "Custom properties": "Egne egenskaber",
    "Field label": "Feltets navn",
    "Label": "Navn",
    "Key": "Nøgle",
    "Binds to a form variable": "Feltets nøgle i sagens data",
    "Must be a variable or a dot separated path.": "Skal være et variabelnavn: bogstaver, tal og _, ikke et tal først.",
    "Must not be empty.": "Må ikke være tom.",
    "Must be unique.": "Skal være entydig.",
    "Must not contain spaces.": "Må ikke indeholde mellemrum.",
    "Must not conflict with other key/path assignments.": "Må ikke være den samme som et andet felts nøgle.",
    "Description": "Beskrivelse",
    "Field description": "Feltets beskrivelse",
    "Supports markdown and templating.": "Understøtter Markdown og skabeloner.",
    "Learn more": "Læs mere",
    "Default value": "Standardværdi",
    "Disabled": "Deaktiveret",
    "Read only": "Kun visning",
    "Required": "Skal udfyldes",
    "Minimum length": "Mindste længde",
    "Maximum length": "Største længde",
    "Minimum": "Mindst",
    "Maximum": "Højst",
    "Validation pattern": "Mønster",
    "Custom regular expression": "Eget regulært udtryk",
    "Custom error message": "Egen fejlbesked",
    "Regular expression": "Regulært udtryk",
    "Email": "E-mail",
    "Phone": "Telefon",
    "Prefix": "Foran",
    "Suffix": "Efter",
    "Columns": "Kolonner",
    "Auto": "Automatisk",
    "Hide if": "Skjul, hvis",
    "Condition under which the field is hidden": "Betingelse for at skjule feltet",
    "Click to set a dynamic value with FEEL expression": "Klik for at skrive et FEEL-udtryk",
    "Click to remove dynamic value with FEEL expression": "Klik for at fjerne FEEL-udtrykket",
    "FEEL expression is mandatory": "Skal være et FEEL-udtryk",
    "Placeholder": "Pladsholder",
    "Searchable": "Kan søges i",
    "Decimal digits": "Decimaler",
    "Increment": "Trin",
    "Serialize to string": "Gem som tekst",
    "Subtype": "Undertype",
    "Date": "Dato",
    "Time": "Tid",
    "Date label": "Navn på datoen",
    "Time label": "Navn på tiden",
    "Use 24h": "24-timers ur",
    "Time format": "Tidsformat",
    "Time interval": "Tidsinterval",
    "Disallow past dates": "Ingen datoer i fortiden",
    "UTC offset": "UTC-forskydning",
    "UTC normalized": "Gemt i UTC",
    "No timezone": "Uden tidszone",
    "Value": "Værdi",
    "Values": "Værdier",
    "Add": "Tilføj",
    "Create": "Opret",
    "Text (Markdown)": "Tekst (Markdown)",
    "Use Markdown or basic HTML to format.": "Brug Markdown eller enkel HTML til formatering.",
    "Type": "Type",
    "Static": "Faste",
    "Input data": "Inddata",
    "Expression": "Udtryk",
    "ID": "Id",
    "Version tag": "Versionsmærke",
    "Execution platform": "Platform",
    "Build your form": "Byg formularen",
    "Drag and drop components here to start designing.": "Træk felttyper hertil for at bygge formularen.",
    "Use the preview window to test your form.": "Brug forhåndsvisningen til at afprøve formularen.",
    "Drop components here": "Slip felttyper her",
    "Select a form field to edit its properties.": "Vælg et felt for at redigere det.",
    "Empty": "Tom",
    "<empty>": "<tom>",
    "Show outline": "Vis omrids",
    "Vertical alignment": "Lodret justering",
    "Top": "Top",
    "Center": "Midt",
    "Bottom": "Bund",
    "Group outline": "Gruppens omrids",
    "Path": "Sti",
    "Height": "Højde",
    "Rows": "Rækker",
    "Number of rows": "Antal rækker",
    "Auto-resize": "Tilpas højden",
    "Remove": "Fjern",
    "Properties panel": "Egenskaber",
    "Form definition": "Formular"
  };
  Object.keys(PANEL).forEach(function (key) { DA[key] = PANEL[key]; });  // the form editor has the panel too
  var PATTERNS = [
    [/^Create an? (.+) element$/, function (m) { return "Opret: " + (DA[m[1]] || m[1]); }],
    [/^Remove (.+)$/, function (m) { return "Fjern " + (DA[m[1]] || m[1]); }],
    [/^List contains (\d+) items?$/, function (m) { return "Listen har " + m[1] + (m[1] === "1" ? " linje" : " linjer"); }]
  ];
  var ATTRIBUTES = ["title", "placeholder", "aria-label", "data-title"];
  // The team lead's own words: a field's label in the canvas and the panel's header.
  var OWN = ".bio-properties-panel-header-label, .fjs-form-field-label, .fjs-form-field-description, .fjs-form-field-text, .markup";

  var PANEL_PATTERNS = [
    [/^List contains (\d+) items?$/, function (m) { return "Listen har " + m[1] + (m[1] === "1" ? " linje" : " linjer"); }]
  ];

  /* `text` in Danish, or null; `onlyPanel` limits it to the properties panel's widgets. */
  function translated(text, onlyPanel) {
    var key = text.trim(), dictionary = onlyPanel ? PANEL : DA, patterns = onlyPanel ? PANEL_PATTERNS : PATTERNS;
    if (!key) { return null; }
    if (Object.prototype.hasOwnProperty.call(dictionary, key)) { return text.replace(key, dictionary[key]); }
    for (var i = 0; i < patterns.length; i++) {
      var match = patterns[i][0].exec(key);
      if (match) { return text.replace(key, patterns[i][1](match)); }
    }
    return null;
  }

  /* Keep `root` in Danish from now on: the form editor's container, or (`onlyPanel`) the bpmn-js
     properties panel, whose own texts go through bpmn-js's `translate` (danish.js). */
  function install(root, locale, onlyPanel) {
    if (locale === "en") { return; }

    function translateText(node) {
      if (!node.parentElement || node.parentElement.closest(OWN)) { return; }
      var value = translated(node.data, onlyPanel);
      if (value !== null && value !== node.data) { node.data = value; }
    }

    function translateElement(element) {
      ATTRIBUTES.forEach(function (name) {
        var current = element.getAttribute(name);
        var value = current && translated(current, onlyPanel);
        if (value && value !== current) { element.setAttribute(name, value); }
      });
    }

    function translateTree(node) {
      if (node.nodeType === 3) { translateText(node); return; }
      if (node.nodeType !== 1) { return; }
      translateElement(node);
      var walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) { translateText(walker.currentNode); }
      node.querySelectorAll("[title], [placeholder], [aria-label], [data-title]").forEach(translateElement);
    }

    translateTree(root);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        if (mutation.type === "characterData") { translateText(mutation.target); return; }
        if (mutation.type === "attributes") { translateElement(mutation.target); return; }
        mutation.addedNodes.forEach(translateTree);
      });
    }).observe(root, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES });
  }

  window.CasepathFormDanish = { install: install, dictionary: DA };
})();
