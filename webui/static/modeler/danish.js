/* Danish texts for bpmn-js and its properties panel (the `translate` service). Strings not listed
   stay in English; element names, ids and expressions are never translated. */
(function () {
  "use strict";
  var DA = {
    "Activate hand tool": "Flyt udsnittet (hånd)",
    "Activate lasso tool": "Markér flere (lasso)",
    "Activate create/remove space tool": "Lav eller fjern plads",
    "Activate global connect tool": "Forbind elementer",
    "Create start event": "Opret starthændelse",
    "Create intermediate/boundary event": "Opret mellem-/randhændelse",
    "Create end event": "Opret sluthændelse",
    "Create gateway": "Opret gateway",
    "Create task": "Opret opgave",
    "Create data object reference": "Opret dataobjekt",
    "Create data store reference": "Opret datalager",
    "Create expanded sub-process": "Opret delproces",
    "Create pool/participant": "Opret pool/deltager",
    "Create group": "Opret gruppe",
    "Append end event": "Tilføj sluthændelse",
    "Append gateway": "Tilføj gateway",
    "Append task": "Tilføj opgave",
    "Append intermediate/boundary event": "Tilføj mellemhændelse",
    "Append timer intermediate catch event": "Tilføj tidsur",
    "Change element": "Skift elementtype",
    "Connect to other element": "Forbind til et andet element",
    "Connect using association": "Forbind med association",
    "Delete": "Slet",
    "Add text annotation": "Tilføj kommentar",
    "Add lane above": "Tilføj lane over",
    "Add lane below": "Tilføj lane under",
    "Divide into two lanes": "Del i to lanes",
    "Divide into three lanes": "Del i tre lanes",
    "General": "Generelt",
    "Documentation": "Dokumentation",
    "Element documentation": "Beskrivelse af elementet",
    "Process documentation": "Beskrivelse af processen",
    "Name": "Navn",
    "ID": "Id",
    "Process name": "Procesnavn",
    "Process ID": "Proces-id (nøgle)",
    "Executable": "Kan køres",
    "Version tag": "Versionsmærke",
    "Form": "Formular",
    "Forms": "Formular",
    "Form key": "Formularnøgle",
    "Type": "Type",
    "<none>": "<ingen>",
    "Embedded or External Task Forms": "Formular med nøgle (formKey)",
    "Camunda Forms": "Camunda-formularer",
    "Generated Task Forms": "Genererede formularer (formData)",
    "Form fields": "Formularfelter",
    "User assignment": "Tildeling og frist",
    "Assignee": "Tildelt",
    "Candidate groups": "Gruppe (candidateGroups)",
    "Candidate users": "Brugere (candidateUsers)",
    "Due date": "Forfaldsdato (dueDate)",
    "Follow up date": "Opfølgningsdato",
    "Priority": "Prioritet",
    "Extension properties": "Handlingskort og egenskaber (camunda:properties)",
    "Properties": "Egenskaber",
    "Value": "Værdi",
    "Timer": "Tidsur",
    "Date": "Dato",
    "Duration": "Varighed",
    "Cycle": "Gentagelse",
    "Condition": "Betingelse",
    "Expression": "Udtryk",
    "Script": "Script",
    "Script type": "Scripttype",
    "Inline script": "Script i diagrammet",
    "Format": "Format",
    "Called element": "Kaldt proces",
    "Label": "Etiket",
    "Default value": "Standardværdi",
    "Constraints": "Begrænsninger"
  };

  /* The `translate` service: Danish when `danish`, and `overrides` (English source → text) always,
     e.g. our own help text instead of the Camunda engine's for camunda:dueDate. */
  function module(danish, overrides) {
    function translate(template, replacements) {
      var values = replacements || {}, text = template;
      if (Object.prototype.hasOwnProperty.call(overrides || {}, template)) {
        text = overrides[template];
      } else if (danish && Object.prototype.hasOwnProperty.call(DA, template)) {
        text = DA[template];
      }
      return text.replace(/{([^}]+)}/g, function (match, key) {
        return values[key] !== undefined ? values[key] : match;
      });
    }
    return { translate: ["value", translate] };
  }

  window.CasepathDanish = {
    module: module,
    DUE_DATE_HELP: "The due date as an EL expression (e.g. ${someDate}) or an ISO date (e.g. 2015-06-26T09:54:00)."
  };
})();
