<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en">
  <context>
    <name>AiOptionsBar</name>
    <message numerus="yes">
      <source>%n polygon(s)</source>
      <translation>
        <numerusform>%n polygon</numerusform>
        <numerusform>%n polygons</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n vertices</source>
      <translation>
        <numerusform>%n vertices</numerusform>
        <numerusform>%n vertices</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ImageBrowser</name>
    <message numerus="yes">
      <source>%Ln images</source>
      <translation>
        <numerusform>%Ln images</numerusform>
        <numerusform>%Ln images</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%Ln image</source>
      <translation>
        <numerusform>%Ln image</numerusform>
        <numerusform>%Ln image</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message numerus="yes">
      <source>Copied %n shape(s)</source>
      <translation>
        <numerusform>Copied %n shape</numerusform>
        <numerusform>Copied %n shapes</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Pasted %n shape(s)</source>
      <translation>
        <numerusform>Pasted %n shape</numerusform>
        <numerusform>Pasted %n shapes</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Accepted %n pre-label(s)</source>
      <translation>
        <numerusform>Accepted %n pre-label</numerusform>
        <numerusform>Accepted %n pre-labels</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>PrelabelPanel</name>
    <message numerus="yes">
      <source>%n pre-labels</source>
      <translation>
        <numerusform>%n pre-labels</numerusform>
        <numerusform>%n pre-labels</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>QaView</name>
    <message numerus="yes">
      <source>%n images compared</source>
      <translation>
        <numerusform>%n images compared</numerusform>
        <numerusform>%n images compared</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>QuestionBanner</name>
    <message numerus="yes">
      <source>%n open question(s) on this image: see the Inbox</source>
      <translation>
        <numerusform>%n open question on this image: see the Inbox</numerusform>
        <numerusform>%n open questions on this image: see the Inbox</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>QueueList</name>
    <message numerus="yes">
      <source>%n annotations</source>
      <translation>
        <numerusform>%n annotations</numerusform>
        <numerusform>%n annotations</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ShapeList</name>
    <message numerus="yes">
      <source>%n shape on this image</source>
      <translation>
        <numerusform>%n shape on this image</numerusform>
        <numerusform>%n shape on this image</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n shapes on this image</source>
      <translation>
        <numerusform>%n shapes on this image</numerusform>
        <numerusform>%n shapes on this image</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>TriagePanel</name>
    <message numerus="yes">
      <source>{shown} of %n disagreements, worst first · N / Shift+N to walk</source>
      <translation>
        <numerusform>{shown} of %n disagreements, worst first · N / Shift+N to walk</numerusform>
        <numerusform>{shown} of %n disagreements, worst first · N / Shift+N to walk</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>{shown} of %n disagreement, worst first · N / Shift+N to walk</source>
      <translation>
        <numerusform>{shown} of %n disagreement, worst first · N / Shift+N to walk</numerusform>
        <numerusform>{shown} of %n disagreement, worst first · N / Shift+N to walk</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n disagreements, worst first · N / Shift+N to walk</source>
      <translation>
        <numerusform>%n disagreements, worst first · N / Shift+N to walk</numerusform>
        <numerusform>%n disagreements, worst first · N / Shift+N to walk</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n disagreement, worst first · N / Shift+N to walk</source>
      <translation>
        <numerusform>%n disagreement, worst first · N / Shift+N to walk</numerusform>
        <numerusform>%n disagreement, worst first · N / Shift+N to walk</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>On this image: %n disagreements</source>
      <translation>
        <numerusform>On this image: %n disagreements</numerusform>
        <numerusform>On this image: %n disagreements</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>On this image: %n disagreement</source>
      <translation>
        <numerusform>On this image: %n disagreement</numerusform>
        <numerusform>On this image: %n disagreement</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>WorkspaceStatusBar</name>
    <message numerus="yes">
      <source>Last edit saved %n min ago</source>
      <translation>
        <numerusform>Last edit saved %n min ago</numerusform>
        <numerusform>Last edit saved %n min ago</numerusform>
      </translation>
    </message>
  </context>
</TS>