"""A generated retrieval test corpus with known answers, in Spanish and English.

`build_corpus(folder)` writes about a dozen professional documents (clinical guidelines,
a lease and a services agreement, test reports, a lab notebook, procedures, an HR policy,
meeting notes, an incident report, an equipment inventory and a little source code) in
PDF, DOCX, HTML, Markdown, plain text, CSV and Python. `QUESTIONS` are paraphrased user
questions, each answerable from exactly one page (PDF) or file (other formats), with a
short phrase `expect` that appears verbatim in the answering passage. `UNANSWERABLE`
are questions on topics the corpus does not cover at all.

The documents overlap on purpose (two anticoagulation guidelines, two contracts with
notice and termination clauses, two test reports with several campaigns whose numbers
differ, "clause 14.3" in both contracts...), so that keyword search and vector search
each get some questions wrong on their own. Only fpdf2, python-docx and the standard
library are used; the text is the same on every run.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import docx
from fpdf import FPDF
from fpdf.enums import XPos, YPos


@dataclass(frozen=True)
class Question:
    text: str  # the question as a user would type it (paraphrased)
    language: str  # "es" or "en"
    file: str  # file name relative to the corpus folder
    page: int | None  # 1-based physical page for PDFs, None for formats without pages
    expect: str  # a short phrase that appears verbatim in the answer passage


_FIXED_DATE = dt.datetime(2024, 9, 2, 9, 0, 0, tzinfo=dt.UTC)
_FILL = "~"  # a paragraph made only of this marker is replaced by a filler paragraph
_MIN_WORDS = 300  # words per PDF page (heading and body); fillers top pages up to this
_MAX_WORDS = 470

# ---------------------------------------------------------------------------------------
# Plain-text markup used for the documents below:
#   "# Heading" starts a page (PDF) or a section (DOCX, HTML);
#   blank lines separate paragraphs; lines of a paragraph are joined with spaces;
#   a paragraph "~" is replaced by the next filler paragraph of the document.
# ---------------------------------------------------------------------------------------


def _paragraphs(block: str) -> list[str]:
    paras: list[str] = []
    current: list[str] = []
    for line in block.strip().splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            paras.append(" ".join(current))
            current = []
    if current:
        paras.append(" ".join(current))
    return paras


def _sections(block: str) -> list[tuple[str, list[str]]]:
    sections: list[tuple[str, list[str]]] = []
    for chunk in block.strip().split("\n# "):
        chunk = chunk.removeprefix("# ")
        heading, _, body = chunk.partition("\n")
        sections.append((heading.strip(), _paragraphs(body)))
    return sections


def _words(text: str) -> int:
    return len(text.split())


# =======================================================================================
# PDF 1 (es): perioperative anticoagulation guideline
# =======================================================================================

_GUIA_FILLER = """
Las recomendaciones de este documento no sustituyen el juicio clínico del profesional
responsable, que deberá valorar en cada caso las características individuales del paciente,
sus preferencias y los recursos disponibles en el centro. Cuando la decisión se aparte de lo
indicado en la guía, se dejará constancia razonada en la historia clínica.

La comunicación entre el servicio quirúrgico, el anestesiólogo y el hematólogo consultor es
un elemento central de la seguridad del proceso. Se recomienda que el plan de suspensión y
reinicio del tratamiento anticoagulante quede registrado en la hoja de consulta preanestésica
y se entregue por escrito al paciente o a su cuidador.

El paciente anticoagulado presenta un equilibrio delicado entre el riesgo de sangrado
asociado al procedimiento y el riesgo de sufrir un episodio tromboembólico durante la
interrupción del tratamiento. Ninguna de las dos complicaciones es despreciable, y su
gravedad relativa depende tanto de la indicación de la anticoagulación como del tipo de
intervención.

Antes de cualquier cambio en la pauta conviene revisar la medicación concomitante, en
especial los antiagregantes plaquetarios, los antiinflamatorios no esteroideos y los
fármacos que interaccionan con el metabolismo hepático, ya que pueden potenciar el efecto
anticoagulante o aumentar el riesgo hemorrágico de forma independiente.

La función renal debe conocerse en todos los pacientes tratados con anticoagulantes orales
directos, puesto que condiciona la eliminación del fármaco y, por tanto, el intervalo de
seguridad previo a la intervención. Se utilizará el aclaramiento de creatinina estimado
mediante la fórmula de Cockcroft-Gault con el peso real del paciente.

En los pacientes de edad avanzada, con bajo peso corporal o con hepatopatía, la
farmacocinética de los anticoagulantes puede ser menos predecible. En estos grupos se
extremará la vigilancia clínica en el postoperatorio inmediato y se valorará la
determinación de niveles específicos cuando el laboratorio disponga de ella.

El personal de enfermería de la unidad de hospitalización comprobará en cada turno que la
pauta prescrita coincide con la administrada y registrará cualquier signo de sangrado en la
herida quirúrgica, en los drenajes o en las mucosas. Ante la duda, se contactará con el
médico responsable antes de administrar la siguiente dosis.

La educación sanitaria del paciente forma parte del plan terapéutico. Se explicará de forma
comprensible qué días no debe tomar el anticoagulante, cuándo debe reanudarlo y qué
síntomas deben motivar una consulta urgente, comprobando que ha entendido las
instrucciones.

Los niveles de evidencia y los grados de recomendación se han asignado siguiendo la
metodología GRADE. Las recomendaciones basadas únicamente en el consenso del grupo
elaborador se identifican expresamente en el texto y deberán revisarse cuando se publiquen
nuevos estudios.

Las pruebas de coagulación convencionales, como el tiempo de protrombina o el tiempo de
tromboplastina parcial activada, tienen una utilidad limitada para estimar el efecto de los
anticoagulantes orales directos. Un resultado normal no descarta la presencia de
concentraciones clínicamente relevantes del fármaco.
"""

_GUIA = """
# 1. Objeto, alcance y destinatarios
Esta guía establece los criterios para la interrupción, la terapia puente y el reinicio de la
anticoagulación oral en pacientes adultos que van a someterse a una intervención quirúrgica o
a un procedimiento invasivo programado en el hospital. Se aplica a los servicios quirúrgicos,
a las unidades de técnicas endoscópicas y a la consulta de preanestesia.

~

Quedan fuera del alcance de este documento los pacientes pediátricos, las gestantes y los
portadores de dispositivos de asistencia ventricular, que siguen protocolos específicos. La
versión 4.1 sustituye a la versión 3.0 de 2021 e incorpora las recomendaciones sobre
anticoagulantes orales directos en la insuficiencia renal moderada.

El texto fue revisado por la Comisión de Trombosis y Hemostasia y aprobado en su sesión del
12 de marzo de 2024. La próxima revisión está prevista para marzo de 2027, salvo que la
aparición de nueva evidencia obligue a adelantarla.

# 2. Valoración del riesgo trombótico y hemorrágico
La decisión sobre la interrupción del tratamiento se basa en dos valoraciones
independientes: el riesgo trombótico del paciente y el riesgo hemorrágico del procedimiento.
Ambas se documentarán en la consulta de preanestesia.

~

Se considera riesgo trombótico alto la presencia de una prótesis valvular mecánica en
posición mitral, un ictus o un accidente isquémico transitorio en los tres meses previos, una
puntuación CHA2DS2-VASc de 7 o más, o una trombosis venosa profunda ocurrida en los últimos
tres meses. El resto de situaciones se clasifican como riesgo moderado o bajo según la tabla
del anexo.

En cuanto al procedimiento, se consideran de alto riesgo hemorrágico la cirugía intracraneal
y raquídea, la cirugía cardiaca, la resección transuretral de próstata, la polipectomía de
lesiones mayores de un centímetro y la biopsia renal o hepática percutánea.

~

# 3. Antagonistas de la vitamina K
El acenocumarol y la warfarina tienen una semivida prolongada y un efecto que persiste varios
días tras la última toma, por lo que su interrupción debe planificarse con antelación.

~

En la cirugía programada, el acenocumarol se suspenderá tres días antes de la intervención y
la warfarina cinco días antes. Se determinará el INR la víspera del procedimiento; el valor
deseable para la mayoría de las intervenciones es inferior a 1,5.

Si la víspera de la intervención el INR es igual o superior a 1,5, se administrarán 2 mg de
vitamina K por vía oral y se repetirá la determinación a primera hora de la mañana. Si
persiste elevado, el anestesiólogo decidirá si la intervención puede realizarse o debe
aplazarse.

~

# 4. Anticoagulantes orales directos
Los anticoagulantes orales directos (dabigatrán, rivaroxabán, apixabán y edoxabán) tienen un
inicio y un final de acción rápidos, por lo que en general no requieren terapia puente. El
intervalo de suspensión depende del fármaco, de la función renal y del riesgo hemorrágico del
procedimiento.

~

Para rivaroxabán, apixabán y edoxabán, la última dosis se tomará 24 horas antes en los
procedimientos de bajo riesgo hemorrágico y 48 horas antes en los de alto riesgo, siempre que
el aclaramiento de creatinina sea de al menos 30 ml/min.

El dabigatrán se elimina mayoritariamente por vía renal. Con un aclaramiento de 50 ml/min o
superior se suspenderá 48 horas antes de un procedimiento de alto riesgo; con un aclaramiento
entre 30 y 49 ml/min el intervalo se amplía a 96 horas antes de la intervención de alto
riesgo y a 48 horas en la de bajo riesgo.

~

# 5. Terapia puente con heparina de bajo peso molecular
La terapia puente consiste en sustituir temporalmente el anticoagulante oral por una heparina
de bajo peso molecular de acción corta para reducir el tiempo sin protección antitrombótica.
Su uso sistemático aumenta el sangrado sin reducir los eventos tromboembólicos, por lo que se
reserva para los pacientes de riesgo trombótico alto tratados con antagonistas de la
vitamina K.

~

La pauta recomendada es enoxaparina 1 mg/kg cada 12 horas por vía subcutánea, iniciada
cuando el INR descienda por debajo del rango terapéutico. En pacientes con aclaramiento de
creatinina inferior a 30 ml/min la dosis se ajustará a 1 mg/kg cada 24 horas.

La última dosis de heparina antes de la cirugía se administrará 24 horas antes del
procedimiento y será la mitad de la dosis diaria total. No se administrará la dosis de la
noche previa.

~

# 6. Anestesia neuroaxial y bloqueos profundos
La punción neuroaxial en pacientes que reciben fármacos antitrombóticos conlleva un riesgo,
bajo pero grave, de hematoma espinal. Los intervalos de esta sección se aplican tanto a la
punción como a la retirada de catéteres epidurales.

~

Tras una dosis profiláctica de heparina de bajo peso molecular deben transcurrir al menos
12 horas antes de la punción o de la retirada del catéter epidural; tras una dosis
terapéutica, el intervalo mínimo es de 24 horas.

Una vez retirado el catéter, la siguiente dosis de heparina no se administrará hasta pasadas
4 horas. Durante las 24 horas siguientes se vigilará la aparición de dolor lumbar, debilidad
o alteraciones sensitivas en los miembros inferiores, que obligan a realizar una resonancia
magnética urgente.

~

# 7. Reinicio del tratamiento en el postoperatorio
El momento de reinicio depende de la hemostasia conseguida y del riesgo hemorrágico del
procedimiento. Antes de reanudar el tratamiento se comprobará la ausencia de sangrado activo
en la herida y en los drenajes.

~

Los anticoagulantes orales directos se reanudarán a dosis plena 24 horas después de un
procedimiento de bajo riesgo hemorrágico y entre 48 y 72 horas después de uno de alto
riesgo. Mientras tanto, si el paciente está inmovilizado, se administrará tromboprofilaxis
con heparina a dosis profilácticas a partir de las 6 a 8 horas.

El acenocumarol puede reiniciarse la misma noche de la intervención con la dosis habitual,
sin dosis de carga, siempre que la hemostasia sea adecuada. Se mantendrá la heparina hasta
obtener dos valores de INR dentro del rango terapéutico en días consecutivos.

~

# 8. Cirugía urgente y reversión del efecto anticoagulante
En la cirugía urgente que no puede demorarse, la reversión del efecto anticoagulante se hará
de forma dirigida según el fármaco y la hora de la última toma, que deberá averiguarse
siempre.

~

Para revertir el dabigatrán se administrará idarucizumab en dosis de 5 g por vía
intravenosa, en forma de dos viales de 2,5 g administrados de forma consecutiva. Su efecto es
inmediato y no precisa controles de coagulación posteriores salvo sangrado persistente.

Para los inhibidores del factor Xa se utilizará andexanet alfa cuando esté disponible. En su
defecto se administrará concentrado de complejo protrombínico a 50 UI/kg, sin superar las
3.000 UI. En los pacientes con acenocumarol se asociarán 10 mg de vitamina K intravenosa al
complejo protrombínico.

~
"""

# =======================================================================================
# PDF 2 (en): atrial fibrillation protocol
# =======================================================================================

_AF_FILLER = """
This protocol is intended to support, not replace, clinical judgement. Clinicians remain
responsible for decisions about individual patients and should discuss the benefits and
risks of each option with the patient, taking into account their values, comorbidities and
ability to adhere to treatment.

Shared decision-making is particularly important in atrial fibrillation because the benefit
of anticoagulation is measured in strokes prevented over years, while the harm of bleeding
is felt immediately. Patients should receive the written information leaflet available from
the cardiology outpatient department.

All changes to anticoagulant therapy must be documented in the electronic prescribing system
with the indication, the intended duration and the name of the responsible clinician. Verbal
instructions alone are not acceptable for high-risk medicines.

Drug interactions should be reviewed at every change of therapy. Strong inhibitors or
inducers of P-glycoprotein and CYP3A4 can markedly alter plasma levels of direct oral
anticoagulants, and the pharmacy team should be consulted when such combinations cannot be
avoided.

Adherence is a common reason for treatment failure. Patients who miss doses frequently
should be offered practical support such as dosette boxes, reminder applications or
once-daily regimens where clinically appropriate.

Frailty and falls are not, on their own, reasons to withhold anticoagulation. The absolute
benefit in older patients is usually greater than the risk of intracranial haemorrhage from
a fall, although each case requires an individual assessment.

Laboratory tests should be interpreted in the context of the time of the last dose. A normal
prothrombin time does not exclude a clinically relevant concentration of a factor Xa
inhibitor, and routine coagulation tests should not be used to adjust the dose of direct
oral anticoagulants.

Where this protocol refers to renal function, creatinine clearance should be calculated with
the Cockcroft-Gault equation using actual body weight. The estimated glomerular filtration
rate reported by the laboratory is not interchangeable for dosing decisions.

Deviations from this protocol should be recorded and may be reviewed at the monthly
anticoagulation governance meeting, which includes representatives from cardiology,
haematology, pharmacy, nursing and primary care.

Patients should carry an anticoagulant alert card at all times and present it to any
healthcare professional, including dentists and community pharmacists, before a procedure
or a new prescription.
"""

_AF = """
# 1. Purpose and scope
This protocol describes the assessment of stroke risk, the choice and dosing of oral
anticoagulants, and the management of anticoagulation around elective procedures and
cardioversion in adults with atrial fibrillation.

~

It applies to adults aged 18 years and over with non-valvular atrial fibrillation or atrial
flutter. Patients with a mechanical heart valve or moderate to severe mitral stenosis are
excluded and should be managed under protocol CP-CARD-03.

Version 2.3 was ratified by the Drugs and Therapeutics Committee on 4 June 2024 and replaces
version 2.2. It will be reviewed no later than June 2026.

# 2. Assessing stroke and bleeding risk
Every patient with atrial fibrillation should have a documented stroke risk assessment at
diagnosis and at each annual review, using the CHA2DS2-VASc score.

~

Oral anticoagulation is recommended for men with a CHA2DS2-VASc score of 2 or more and for
women with a score of 3 or more. It should be considered for men with a score of 1 and women
with a score of 2, after discussion of the expected benefit.

The HAS-BLED score is used to identify modifiable bleeding risk factors, not to withhold
anticoagulation. Patients with a HAS-BLED score of 3 or more should be reviewed every three
months, with attention to blood pressure control, alcohol intake and concomitant
antiplatelet drugs.

~

# 3. Choice of anticoagulant and dosing
Direct oral anticoagulants are preferred to warfarin for most eligible patients because they
cause fewer intracranial haemorrhages and do not require routine INR monitoring.

~

Apixaban is given at 5 mg twice daily. The dose is reduced to 2.5 mg twice daily when at
least two of the following criteria are present: age 80 years or older, body weight of 60 kg
or less, or serum creatinine of 1.5 mg/dL (133 micromol/L) or higher.

Rivaroxaban is given at 20 mg once daily with the evening meal, reduced to 15 mg once daily
when creatinine clearance is between 15 and 49 mL/min. Edoxaban is given at 60 mg once daily,
reduced to 30 mg in patients weighing 60 kg or less.

~

# 4. Monitoring renal and hepatic function
Renal function declines with age and during intercurrent illness, and most direct oral
anticoagulants are partly cleared by the kidneys.

~

A full blood count and renal and liver function tests are required before starting
treatment. Thereafter, renal function should be checked at least once a year, every six
months in patients with a creatinine clearance between 30 and 60 mL/min, and every three
months when the clearance is between 15 and 30 mL/min.

A practical rule is to divide the creatinine clearance by ten to obtain the maximum
interval, in months, between checks. Any acute illness with dehydration or sepsis should
prompt an additional check.

~

# 5. Interruption before elective procedures
For procedures with minimal bleeding risk, such as most dental extractions, cataract surgery
and superficial skin surgery, anticoagulation can usually be continued; the procedure should
be scheduled at the trough, 12 to 24 hours after the last dose.

~

For factor Xa inhibitors, the last dose should be taken 24 hours before a low bleeding risk
procedure. Before surgery with a high bleeding risk, the anticoagulant must be stopped at
least 48 hours before the operation, provided creatinine clearance is 30 mL/min or more.

Heparin bridging is not required when a direct oral anticoagulant is interrupted, and it
increases bleeding without reducing thromboembolism. Patients should be told clearly which
doses to omit, and this should be written on the pre-operative checklist.

~

# 6. Warfarin management
Warfarin remains the anticoagulant of choice for patients with mechanical valves, moderate
to severe mitral stenosis, or severe renal impairment with a creatinine clearance below
15 mL/min.

~

The target INR for atrial fibrillation is 2.5, with an acceptable range of 2.0 to 3.0. The
quality of control is assessed with the time in therapeutic range calculated by the
Rosendaal method over the preceding six months.

Patients whose time in therapeutic range falls below 65% despite adherence support should
be offered a switch to a direct oral anticoagulant, unless contraindicated. When switching,
the direct agent is started once the INR is below 2.0.

~

# 7. Cardioversion
Electrical or pharmacological cardioversion carries a risk of thromboembolism, which is
highest in the first ten days after restoration of sinus rhythm.

~

Patients with atrial fibrillation lasting more than 48 hours, or of unknown duration, must
receive effective anticoagulation for at least three weeks before elective cardioversion, or
undergo transoesophageal echocardiography to exclude left atrial thrombus.

Anticoagulation must be continued for at least four weeks after cardioversion in all
patients, and long term in those whose CHA2DS2-VASc score indicates it, regardless of
whether sinus rhythm is maintained.

~

# 8. Left atrial appendage occlusion and major bleeding
Percutaneous left atrial appendage occlusion may be considered for patients with a clear
contraindication to long-term anticoagulation, such as recurrent intracranial haemorrhage.
Referral is made to the structural heart team.

~

After device implantation, patients receive dual antiplatelet therapy with aspirin and
clopidogrel for six months, followed by aspirin alone indefinitely. Transoesophageal
echocardiography is repeated at 45 days to check for device-related thrombus and peri-device
leak.

Major bleeding on anticoagulation is managed according to the haemorrhage protocol. The
on-call haematologist must be contacted for any intracranial bleed, and reversal agents are
issued by the blood bank on request.

~
"""

# =======================================================================================
# PDF 3 (es): industrial lease
# =======================================================================================

_ARR_FILLER = """
Las partes se reconocen mutuamente la capacidad legal necesaria para el otorgamiento del
presente contrato y declaran que las manifestaciones contenidas en él responden a la
realidad, asumiendo las responsabilidades que pudieran derivarse de su inexactitud.

Cualquier modificación de lo pactado en este contrato deberá formalizarse por escrito y
estar firmada por ambas partes. La tolerancia de una de ellas ante el incumplimiento de la
otra no se entenderá como renuncia a los derechos que le correspondan.

En lo no previsto expresamente en este contrato, el arrendamiento se regirá por la voluntad
de las partes y, supletoriamente, por lo dispuesto en el Título III de la Ley 29/1994, de 24
de noviembre, de Arrendamientos Urbanos, y por el Código Civil.

Si alguna de las estipulaciones del presente contrato fuera declarada nula o inaplicable,
dicha nulidad no afectará a la validez de las restantes, que conservarán plena eficacia. Las
partes negociarán de buena fe una estipulación sustitutiva de efectos equivalentes.

Los títulos de las cláusulas tienen un carácter meramente orientativo y no afectarán a la
interpretación de su contenido. Las referencias a días se entenderán hechas a días
naturales, salvo que expresamente se indique lo contrario.

La arrendataria declara conocer el estado de conservación del inmueble, de sus instalaciones
y de sus accesos, que ha examinado con anterioridad a la firma, y lo acepta expresamente por
resultar adecuado para el destino pactado.

Las obligaciones asumidas en el presente contrato serán exigibles a los sucesores de las
partes por cualquier título, incluidos los supuestos de fusión, escisión o transmisión
global del patrimonio de cualquiera de ellas.

Ambas partes se comprometen a tratar como confidencial la información económica del presente
contrato y a no divulgarla a terceros, salvo obligación legal, requerimiento de una
autoridad competente o comunicación a sus asesores profesionales.

La arrendataria cumplirá en todo momento la normativa de seguridad industrial, de prevención
de riesgos laborales y de protección del medio ambiente aplicable a la actividad desarrollada
en el inmueble, y serán de su exclusiva responsabilidad las sanciones que pudieran imponerse
por su incumplimiento.

Los anexos forman parte integrante del presente contrato. En caso de contradicción entre el
cuerpo del contrato y cualquiera de sus anexos, prevalecerá lo dispuesto en el cuerpo del
contrato, salvo que el anexo sea posterior y esté firmado por ambas partes.
"""

_ARR = """
# REUNIDOS Y EXPONEN
De una parte, D. Ernesto Valdés Ortega, con DNI 50123456-K, en nombre y representación de
INMOBILIARIA VALDÉS ORTEGA, S.L., con CIF B-84561230 y domicilio en la calle Mayor 21 de
Alcalá de Henares, en adelante la ARRENDADORA.

De otra parte, Dña. Pilar Sanz Echeverría, con DNI 02987654-M, en su calidad de consejera
delegada de TERMOTEC ENSAYOS, S.A., con CIF A-28765432, en adelante la ARRENDATARIA.

~

EXPONEN. I. Que la ARRENDADORA es propietaria de la nave industrial número 14 del Polígono
Industrial El Prado, en Alcalá de Henares, inscrita en el Registro de la Propiedad número 3
de dicha localidad, con una superficie construida de 2.350 metros cuadrados, de los cuales
310 corresponden a oficinas en entreplanta. II. Que la ARRENDATARIA está interesada en
arrendar dicho inmueble para instalar su laboratorio de ensayos, y ambas partes acuerdan
formalizar el presente contrato con arreglo a las siguientes cláusulas.

# CLÁUSULAS PRIMERA A TERCERA
PRIMERA. Objeto. La ARRENDADORA arrienda a la ARRENDATARIA, que acepta, el inmueble descrito
en el expositivo I, junto con la zona de carga y descarga y las doce plazas de aparcamiento
exteriores señaladas en el plano del anexo 1.

~

SEGUNDA. Destino. El inmueble se destinará exclusivamente a laboratorio de ensayos
industriales, oficinas y almacén auxiliar. Queda expresamente prohibido el almacenamiento de
materias explosivas de la clase 1 del ADR y de gases inflamables en cantidad superior a la
autorizada por la licencia de actividad.

TERCERA. Duración. El contrato tendrá una duración inicial de cinco años a contar desde el
1 de marzo de 2023. A su vencimiento se prorrogará tácitamente por periodos anuales, salvo
que cualquiera de las partes comunique a la otra su voluntad de no renovarlo con al menos
seis meses de antelación a la fecha de vencimiento.

~

# CLÁUSULAS CUARTA Y QUINTA
CUARTA. Renta. Las partes fijan la renta atendiendo a la superficie, a las instalaciones
existentes y a las obras de adecuación que corresponden a la ARRENDATARIA.

~

La renta inicial se fija en ONCE MIL SETECIENTOS CINCUENTA EUROS (11.750 EUR) mensuales,
más el IVA correspondiente, que la ARRENDATARIA abonará por meses anticipados dentro de los
cinco primeros días de cada mes mediante transferencia a la cuenta que designe la
ARRENDADORA. Durante los tres primeros meses de vigencia la ARRENDATARIA disfrutará de una
carencia del cincuenta por ciento de la renta, en compensación por las obras de adecuación
que debe acometer para instalar las cámaras climáticas.

QUINTA. Actualización. La renta se actualizará cada 1 de marzo conforme a la variación anual
del Índice de Garantía de Competitividad, con un límite máximo del tres por ciento anual. La
primera actualización tendrá lugar el 1 de marzo de 2024.

~

# CLÁUSULAS SEXTA Y SÉPTIMA
SEXTA. Fianza y garantías. A la firma del presente contrato la ARRENDATARIA entrega la
cantidad de 23.500 EUR, equivalente a dos mensualidades de renta, en concepto de fianza
legal, que la ARRENDADORA depositará en el organismo autonómico competente.

~

Adicionalmente, la ARRENDATARIA entregará en el plazo de quince días un aval bancario a
primer requerimiento por importe equivalente a seis mensualidades de renta, que deberá
mantenerse vigente hasta tres meses después de la finalización del contrato. La fianza se
devolverá en el plazo de treinta días desde la entrega de las llaves, previa comprobación
del estado del inmueble y deducción, en su caso, de las cantidades adeudadas.

SÉPTIMA. Gastos y suministros. Serán de cuenta de la ARRENDATARIA los consumos de
electricidad, agua y telecomunicaciones, así como la parte proporcional del Impuesto sobre
Bienes Inmuebles y de los gastos de la comunidad del polígono.

~

# CLÁUSULAS OCTAVA A DÉCIMA
OCTAVA. Obras. La ARRENDATARIA no podrá realizar obras que modifiquen la configuración del
inmueble o afecten a su estructura sin el consentimiento previo y por escrito de la
ARRENDADORA. Se autorizan desde ahora las obras de adecuación descritas en el anexo 2, entre
ellas el refuerzo de la solera para las cámaras climáticas.

~

NOVENA. Conservación. Las pequeñas reparaciones derivadas del uso ordinario serán a cargo de
la ARRENDATARIA hasta un importe de 1.500 EUR por actuación; las reparaciones de importe
superior y las que afecten a la estructura, la cubierta o las instalaciones generales
corresponderán a la ARRENDADORA.

DÉCIMA. Seguros. La ARRENDATARIA contratará un seguro de responsabilidad civil con una suma
asegurada mínima de 1.200.000 EUR por siniestro y un seguro de contenido, y entregará copia
de las pólizas antes de la entrega de llaves.

~

# CLÁUSULAS UNDÉCIMA A DECIMOTERCERA
UNDÉCIMA. Cesión y subarriendo. Queda prohibida la cesión del contrato y el subarriendo,
total o parcial, sin el consentimiento expreso de la ARRENDADORA, salvo a favor de
sociedades del mismo grupo de la ARRENDATARIA.

~

DUODÉCIMA. Inspección. La ARRENDADORA podrá visitar el inmueble para comprobar su estado
previo aviso a la ARRENDATARIA con una antelación mínima de 48 horas, salvo en caso de
emergencia, acompañada en todo momento por personal de la ARRENDATARIA y respetando las
normas de seguridad del laboratorio.

DECIMOTERCERA. Incumplimiento. El impago de dos mensualidades de renta, consecutivas o no,
facultará a la ARRENDADORA para resolver el contrato y ejecutar las garantías, sin perjuicio
de reclamar las rentas debidas y los intereses de demora al tipo legal del dinero
incrementado en dos puntos.

~

# CLÁUSULA DECIMOCUARTA. RESOLUCIÓN Y DESISTIMIENTO
14.1. Además de las causas legalmente previstas, cualquiera de las partes podrá resolver el
contrato en caso de incumplimiento grave de las obligaciones de la otra que no haya sido
subsanado en el plazo de treinta días desde el requerimiento fehaciente.

~

14.2. La ARRENDATARIA no podrá desistir del contrato durante los dos primeros años de
vigencia, que las partes declaran de obligado cumplimiento.

14.3. Transcurrido dicho plazo, la ARRENDATARIA podrá desistir del contrato comunicándolo a la
ARRENDADORA por burofax con cuatro meses de antelación. En tal caso abonará, en concepto de
indemnización, una mensualidad de la renta en vigor por cada año de contrato que reste por
cumplir; los periodos inferiores al año darán lugar a la parte proporcional.

14.4. A la finalización del contrato, por cualquier causa, la ARRENDATARIA deberá dejar el
inmueble libre, vacío y en el estado en que lo recibió, salvo el desgaste por el uso
ordinario, retirando las cámaras climáticas y demás equipos.

# CLÁUSULAS DECIMOQUINTA Y DECIMOSEXTA. FIRMAS
DECIMOQUINTA. Notificaciones. Todas las comunicaciones entre las partes se realizarán por
escrito en los domicilios indicados en el encabezamiento, o en las direcciones de correo
electrónico designadas en el anexo 3, siempre que quede constancia de su recepción.

~

DECIMOSEXTA. Jurisdicción. Para cualquier controversia derivada de la interpretación o
ejecución del presente contrato, las partes se someten expresamente a los Juzgados y
Tribunales de Alcalá de Henares, con renuncia a cualquier otro fuero que pudiera
corresponderles.

Y en prueba de conformidad, firman el presente contrato en el lugar y la fecha indicados en
el encabezamiento. Por la ARRENDADORA, Ernesto Valdés Ortega. Por la ARRENDATARIA, Pilar Sanz
Echeverría.
"""

# =======================================================================================
# PDF 4 (en): master services agreement
# =======================================================================================

_MSA_FILLER = """
Headings in this Agreement are for convenience only and do not affect its interpretation.
Words in the singular include the plural and vice versa, and the words including and include
shall be construed without limitation.

Each party shall comply with all applicable laws and regulations in the performance of its
obligations under this Agreement, including anti-bribery, export control and sanctions
legislation, and shall maintain the licences and consents required to do so.

No failure or delay by a party in exercising any right or remedy provided under this
Agreement or by law shall constitute a waiver of that or any other right or remedy, nor
shall it prevent or restrict the further exercise of that or any other right or remedy.

If any provision of this Agreement is found by a court of competent jurisdiction to be
invalid or unenforceable, that provision shall be deemed modified to the minimum extent
necessary to make it valid, and the remaining provisions shall continue in full force and
effect.

The Provider shall perform the Services with reasonable skill and care, in accordance with
good industry practice and with the Customer's reasonable site policies of which it has been
notified in writing in advance.

Nothing in this Agreement is intended to, or shall be deemed to, establish any partnership
or joint venture between the parties, nor constitute either party the agent of the other
for any purpose.

This Agreement, together with each Statement of Work, constitutes the entire agreement
between the parties and supersedes all previous drafts, agreements, arrangements and
understandings between them, whether written or oral, relating to its subject matter.

Neither party shall be in breach of this Agreement nor liable for delay in performing its
obligations if such delay results from events beyond its reasonable control, provided that
it notifies the other party promptly and uses reasonable endeavours to mitigate the effect.

Each party shall bear its own costs in connection with the negotiation, preparation and
execution of this Agreement. Amendments are valid only if made in writing and signed by
authorised representatives of both parties.

The parties shall attempt in good faith to resolve any dispute through their respective
project managers and, failing agreement, through their senior executives before commencing
proceedings.
"""

_MSA = """
# Parties, Background and Definitions
This Master Services Agreement is made between TERMOTEC ENSAYOS, S.A., a company incorporated
in Spain with tax number A-28765432, whose registered office is at Nave 14, Polígono
Industrial El Prado, Alcalá de Henares (the Customer), and BRIGHTLINE ANALYTICS LTD, a
company registered in England under number 09876543, whose registered office is at 40 Canal
Street, Manchester (the Provider).

~

Background. (A) The Provider has developed a hosted laboratory information management
platform known as LabLedger, together with associated data migration and support services.
(B) The Customer wishes to use LabLedger to manage test requests, sample traceability and
test reports across its laboratories, and the Provider has agreed to provide the Services on
the terms of this Agreement.

1. Definitions. In this Agreement, Business Day means a day other than a Saturday, Sunday or
public holiday in England or in the Community of Madrid; Customer Data means all data
uploaded to the platform by or on behalf of the Customer; and Statement of Work means a
document agreed under clause 2.

# 2. Services and Statements of Work; 3. Customer Obligations
2.1 The Provider shall supply the Services described in each Statement of Work. Each
Statement of Work shall specify the scope, deliverables, milestones, fees and the named
project managers of each party.

~

2.2 Before the production roll-out, the Provider shall run a pilot period of sixty (60) days
at the Customer's thermal testing laboratory. If the acceptance criteria in Schedule 2 are
not met by the end of the pilot period, the Customer may withdraw from the Agreement without
paying any fees other than those for the pilot.

2.3 Change requests shall be submitted in writing. The Provider shall respond with an impact
assessment on cost and schedule within ten (10) Business Days, and no change shall be
binding until both parties have signed a change note. 3. Customer Obligations. The Customer
shall provide timely access to its staff, premises and test data as reasonably required.

~

# 4. Fees and Payment; 5. Taxes
4.1 The Customer shall pay the fees set out in Schedule 1. Subscription fees are invoiced
annually in advance; professional services are invoiced monthly in arrears on the basis of
the time actually spent.

~

4.2 Invoices are payable within forty-five (45) days of receipt of a valid invoice.
Undisputed amounts not paid when due shall bear interest at 1.5% per month until payment,
calculated on a daily basis.

4.3 The Provider may increase the subscription fees once a year, on the anniversary of the
Effective Date, by giving at least sixty days' notice; any increase shall not exceed four
per cent (4%) of the fees for the previous year. 5. Taxes. All fees are exclusive of VAT,
which shall be added at the applicable rate.

~

# 6. Service Levels; 7. Support
6.1 The Provider shall monitor the platform continuously and publish a service report by
the fifth Business Day of each month, covering availability, incidents and changes.

~

6.2 The platform shall be available 99.5% of the time in each calendar month, excluding
scheduled maintenance notified at least five Business Days in advance and carried out
between 22:00 and 06:00 CET. For each 0.5% shortfall below that level, the Customer is
entitled to a service credit of 5% of the monthly subscription fee, up to a maximum of 25%.

7. Support. Priority 1 incidents, meaning that the platform is unavailable or Customer Data
is at risk, shall receive a response within one (1) hour, 24 hours a day, and a workaround
or fix within eight (8) hours. Other incidents are handled during Business Days.

~

# 8. Confidentiality; 9. Data Protection
8.1 Each party shall keep the other's Confidential Information secret and use it only for
the purposes of this Agreement. This obligation survives termination for five years.

~

9.1 To the extent the Provider processes personal data on behalf of the Customer, it acts as
processor under the data processing agreement in Schedule 4. The Provider shall notify the
Customer of any personal data breach without undue delay and in any event within
thirty-six (36) hours of becoming aware of it.

9.2 Customer Data shall be hosted exclusively in data centres located in the European
Economic Area. The Provider shall not engage a new sub-processor without giving the Customer
thirty days' prior notice and an opportunity to object.

~

# 10. Intellectual Property; 11. Warranties
10.1 The Provider retains all intellectual property rights in the platform, its software and
documentation. The Customer retains all rights in Customer Data and in the test reports
generated with the platform.

~

11.1 The Provider warrants that the deliverables of each Statement of Work will conform in
all material respects to their specification for a period of ninety (90) days from
acceptance, and shall remedy any non-conformity notified during that period at no
additional cost.

11.2 The Provider shall defend the Customer against any claim that the platform infringes a
third party's intellectual property rights, and shall pay any damages finally awarded,
provided the Customer notifies the claim promptly and allows the Provider to conduct the
defence.

~

# 12. Limitation of Liability; 13. Insurance
12.1 Nothing in this Agreement limits either party's liability for death or personal injury
caused by negligence, for fraud, or for any other liability that cannot be limited by law.

~

12.2 Subject to clause 12.1, each party's total liability arising under or in connection
with this Agreement in any contract year shall not exceed the total fees paid and payable by
the Customer in the twelve (12) months preceding the event giving rise to the claim. For
breaches of clause 8 (Confidentiality) or clause 9 (Data Protection), the cap shall be twice
that amount.

12.3 Neither party shall be liable for loss of profits, loss of business or any indirect or
consequential loss. 13. Insurance. The Provider shall maintain professional indemnity
insurance of not less than GBP 2,000,000 per claim and cyber insurance of not less than
GBP 1,000,000 during the term and for two years afterwards.

~

# 14. Term and Termination
14.1 This Agreement starts on the Effective Date and continues for an initial term of three
(3) years. It then renews automatically for successive periods of twelve months unless
either party gives notice of non-renewal at least three months before the end of the
current term.

~

14.2 Either party may terminate this Agreement with immediate effect by written notice if
the other party commits a material breach that is not remedied within thirty (30) days
after receiving notice requiring it to do so, or if the other party becomes insolvent.

14.3 The Customer may terminate this Agreement for convenience at any time after the first
anniversary of the Effective Date by giving the Provider not less than ninety (90) days'
prior written notice. In that event the Customer shall pay the subscription fees up to the
termination date, with no further early termination charge.

14.4 On termination the Provider shall make Customer Data available for export in CSV and
PDF format for thirty days, after which it shall securely delete it and certify the deletion
in writing.

# 15. Notices; 16. Governing Law; Signatures
15.1 Notices under this Agreement shall be in writing and delivered by hand, by recorded
international courier or by email to the addresses in Schedule 5. Notices sent by email are
deemed received at 9:00 on the next Business Day.

~

16.1 This Agreement and any dispute or claim arising out of or in connection with it shall
be governed by and construed in accordance with the laws of England and Wales. 16.2 The
courts of England and Wales shall have exclusive jurisdiction, save that either party may
seek urgent injunctive relief in any competent court.

Signed for and on behalf of TERMOTEC ENSAYOS, S.A. by Pilar Sanz Echeverría, Chief Executive
Officer, and for and on behalf of BRIGHTLINE ANALYTICS LTD by Oliver Grant, Managing
Director.
"""

# =======================================================================================
# PDF 5 (es): thermal cycling test report with several campaigns
# =======================================================================================

_INF_FILLER = """
Todas las medidas se realizaron con equipos incluidos en el plan de calibración del
laboratorio y dentro de su periodo de validez. Los certificados de calibración
correspondientes se conservan en el sistema de gestión de la calidad y están disponibles
para el cliente previa solicitud.

Los resultados de este informe se refieren exclusivamente a las muestras ensayadas, en el
estado en que fueron recibidas. El informe no podrá reproducirse parcialmente sin la
aprobación escrita del laboratorio.

Durante los ensayos se registraron de forma continua la temperatura del aire de la cámara y
la temperatura en la placa base de cada módulo, con un periodo de muestreo de diez segundos.
Los ficheros de datos brutos se han archivado junto con la orden de trabajo.

La inspección visual se efectuó con un estereomicroscopio de diez a cuarenta aumentos,
prestando especial atención a las uniones soldadas, al encapsulado de silicona y a la
interfaz entre el sustrato cerámico y la placa base de cobre.

Las medidas eléctricas intermedias se realizaron a temperatura ambiente tras un periodo de
estabilización de dos horas, con el fin de evitar que la temperatura residual de las
muestras influyera en la resistencia térmica y en la tensión de saturación medidas.

Se consideró fallo cualquier muestra que presentara un aumento de la resistencia térmica
superior al veinte por ciento respecto al valor inicial, una pérdida de continuidad
eléctrica o un daño visible en el encapsulado que comprometiera el aislamiento.

La incertidumbre expandida de las medidas de temperatura, con un factor de cobertura k=2, se
ha estimado a partir de la contribución de los termopares, del sistema de adquisición y de
la homogeneidad de la cámara.

Las muestras se identificaron individualmente mediante etiquetas resistentes a la
temperatura y se manipularon con guantes y pulsera antiestática en todas las fases del
ensayo, desde la recepción hasta el almacenamiento final.

Las desviaciones respecto al plan de ensayo se registran en el sistema de gestión del
laboratorio, se evalúan por el responsable técnico y se comunican al cliente cuando pueden
afectar a la validez de los resultados.

El perfil de temperatura de cada ciclo se verificó al inicio de la campaña con un
registrador independiente colocado en el centro del volumen útil de la cámara,
comprobándose que las rampas y los tiempos de permanencia se ajustaban a lo programado.
"""

_INF = """
# 1. Resumen y alcance
El presente informe recoge los resultados de cuatro campañas de ensayo, denominadas T-10,
T-11, T-12 y T-13, realizadas sobre el módulo de potencia MP-200 entre abril y junio de 2024
a petición de Kinetia Drives, S.L., con el objetivo de verificar su robustez frente a ciclos
térmicos y a humedad elevada.

~

En términos generales, el diseño superó la campaña de menor severidad sin incidencias,
mientras que las campañas de ciclado con temperaturas extremas más altas pusieron de
manifiesto un mecanismo de fallo por fatiga en la capa de soldadura bajo el sustrato. El
detalle de cada campaña se presenta en las secciones 4 a 7 y las recomendaciones, en la
sección 9.

~

# 2. Descripción de las muestras
Para los ensayos se recibieron dos lotes de producción del módulo MP-200 con la misma
revisión de diseño (rev. C), pero con sustratos cerámicos procedentes de distintos
proveedores.

~

El 2 de abril de 2024 se recibieron 24 módulos del lote L-4471, fabricados con sustrato del
proveedor Kessler Substrates GmbH, y el 9 de abril de 2024 se recibieron 12 módulos del lote
L-4502, con sustrato de un segundo proveedor en fase de homologación.

Todos los módulos superaron la inspección de recepción salvo dos unidades del lote L-4471
con arañazos superficiales en la tapa, que se aceptaron por no afectar a la función. Las
muestras se numeraron de M-01 a M-24 y de N-01 a N-12, respectivamente; los módulos M-19 a
M-24, N-11 y N-12 se reservaron como referencia sin ensayar.

# 3. Equipos y método de ensayo
Los ensayos de ciclado térmico se realizaron según la norma IEC 60068-2-14, método Nb, con
variación de temperatura a velocidad controlada, y el ensayo de calor húmedo según la norma
IEC 60068-2-78.

~

Se utilizó la cámara CC-03 para las campañas T-10, T-11 y T-12, y la cámara CC-05 para la
campaña T-13. La temperatura en la placa base se midió con termopares de tipo K fijados con
cinta de poliimida y conectados a un registrador de 16 canales.

Salvo indicación en contrario, la velocidad de rampa fue de 10 °C/min y el tiempo de
permanencia en cada extremo de 15 minutos, suficiente para que la placa base alcanzara la
temperatura del aire con una diferencia inferior a 2 °C.

~

# 4. Campaña T-10: ciclado moderado
La campaña T-10 tenía por objeto reproducir las condiciones de servicio habituales del
accionamiento en un vehículo industrial y sirvió como referencia para las campañas
posteriores.

~

Se ensayaron 6 módulos del lote L-4471 (M-01 a M-06) entre -40 °C y +85 °C durante 500
ciclos. La temperatura máxima registrada en la placa base fue de 86,1 °C. No se produjo
ningún fallo y la variación media de la resistencia térmica al final de la campaña fue del
3,2 %.

Las medidas intermedias, realizadas cada 100 ciclos, mostraron una evolución estable sin
tendencia significativa, y la inspección visual final no reveló fisuras ni delaminaciones.

~

# 5. Campaña T-11: ciclado extendido
La campaña T-11 amplió el límite superior de temperatura para representar los picos de carga
en pendientes prolongadas y duplicó el número de ciclos respecto a la campaña de referencia.

~

Se ensayaron 6 módulos del lote L-4471 (M-07 a M-12) entre -40 °C y +105 °C durante 1.000
ciclos. La temperatura máxima registrada en la placa base fue de 107,3 °C. Fallaron 2 de los
6 módulos, M-09 y M-11, en los ciclos 640 y 812, ambos por un aumento de la resistencia
térmica superior al umbral de fallo.

Los módulos que completaron la campaña presentaron una variación media de la resistencia
térmica del 11,8 %, claramente superior a la observada en T-10, lo que indica una
degradación progresiva de la unión.

~

# 6. Campaña T-12: ciclado severo
La campaña T-12 se diseñó como ensayo acelerado para comparar los dos proveedores de
sustrato en condiciones más exigentes que las de servicio.

~

Se ensayaron 6 módulos del lote L-4471 (M-13 a M-18) y 6 módulos del lote L-4502 (N-01 a
N-06) entre -55 °C y +125 °C durante 300 ciclos. Debido a un sobreimpulso del controlador de
la cámara, la temperatura máxima registrada en la placa base fue de 131,4 °C durante los
primeros 20 ciclos, hasta que se corrigió el ajuste del controlador.

Fallaron 3 de los 6 módulos del lote L-4471 y 1 de los 6 módulos del lote L-4502. Dada la
desviación de temperatura, los resultados de T-12 se consideran indicativos y no
concluyentes.

~

# 7. Campaña T-13: calor húmedo
La campaña T-13 evaluó la resistencia del encapsulado y del aislamiento frente a la humedad,
un mecanismo de degradación distinto del ciclado térmico.

~

Se ensayaron 4 módulos del lote L-4502 (N-07 a N-10) a 85 °C y 85 % de humedad relativa
durante 1.000 horas, con una tensión de polarización de 800 V. La corriente de fuga aumentó
desde 0,4 µA hasta un máximo de 3,2 µA al final del ensayo, por debajo del límite de 10 µA
especificado por el cliente.

No se observó corrosión en los terminales ni delaminación del encapsulado. Todos los módulos
superaron la prueba de aislamiento final a 2.500 V.

~

# 8. Análisis de fallos
Los seis módulos que fallaron en las campañas T-11 y T-12 se sometieron a análisis
destructivo: microscopía acústica de barrido, microsección metalográfica y microscopía
electrónica.

~

En todos los casos se identificó una grieta en la capa de soldadura SAC305 entre el sustrato
cerámico y la placa base, iniciada en las esquinas del sustrato y propagada hacia el centro.
La longitud máxima de grieta, 1,9 mm, se midió en el módulo M-16, que había fallado en la
campaña T-12.

El espesor de la capa de soldadura en el lote L-4471 presentó una variación entre 45 y
130 µm, superior a la tolerancia de diseño, lo que se considera la causa raíz más probable
de la iniciación prematura de las grietas.

~

# 9. Conclusiones, recomendaciones y desviaciones
El módulo MP-200 con sustrato del lote L-4471 cumple los requisitos en condiciones de
servicio moderadas, pero no alcanza la vida objetivo en ciclado extendido.

~

Se recomienda exigir al proveedor de sustrato un control estadístico del espesor de la
soldadura y repetir la campaña T-12 con una rampa de 5 °C/min y el controlador de la cámara
verificado, antes de tomar una decisión sobre la homologación del segundo proveedor.

Desviación DV-07: el 14 de mayo de 2024 la cámara CC-03 permaneció detenida durante 3 horas
por una avería del compresor durante la campaña T-11. Las muestras quedaron a temperatura
ambiente y el ensayo se reanudó en el ciclo 587 sin efecto apreciable en los resultados.

Firmado: Lucía Ferrer Campos, responsable técnica. Revisado: Andrés Beltrán Ruiz, director
de laboratorio.
"""

# =======================================================================================
# PDF 6 (en): battery pack validation report
# =======================================================================================

_BAT_FILLER = """
All instruments used in this campaign were within their calibration interval at the time of
testing. Calibration certificates are held in the laboratory quality system and can be
provided to the customer on request.

Results in this report relate only to the items tested, in the condition in which they were
received. This report shall not be reproduced except in full without the written approval
of the laboratory.

Before and after each test sequence, every pack underwent a standard characterisation
consisting of a capacity measurement at C/3 and 25 °C, an internal resistance measurement by
current pulse, and a check of the insulation resistance between the terminals and the
enclosure.

Cell voltages and temperatures were read from the pack's battery management system over the
CAN bus and, independently, from the laboratory data acquisition system, so that any
discrepancy between the two could be detected.

Abuse tests were carried out in the reinforced test bunker with remote operation,
continuous video recording and gas extraction. Personnel entered the bunker only after the
pack temperature had fallen below 40 °C and the gas concentration had returned to
background.

A pack was considered to pass a test if it showed no fire, no explosion, no electrolyte
leakage and no rupture of the enclosure, and if the insulation resistance after the test
remained above the value required by the customer specification.

The state of charge before each test was set by a constant-current constant-voltage charge
followed by a discharge to the target value, with a rest period of at least one hour to
allow cell voltages to stabilise.

Deviations from the test plan are recorded in the laboratory management system, assessed by
the technical manager and reported to the customer whenever they could affect the validity
of the results.

Photographs of each pack before and after testing are included in the electronic annex to
this report, together with the raw data files and the configuration of the data acquisition
system.

Measurement uncertainty has been estimated for each quantity reported and is stated with a
coverage factor k=2, corresponding to a confidence level of approximately 95%.
"""

_BAT = """
# 1. Summary
This report presents the results of the environmental and abuse validation of the BP-48
battery pack, a 48 V, 20 Ah lithium-ion pack intended for light electric delivery vehicles,
carried out between 3 June and 9 August 2024.

~

The pack passed the thermal cycling, mechanical shock, short-circuit and thermal
propagation tests. It failed the random vibration test because of a loosened connector,
described in section 4. The customer's design release is therefore conditional on the
corrective action in section 8.

~

# 2. Test articles and set-up
The test articles were built on the customer's pilot line with production tooling, and the
battery management system ran the firmware release approved for the validation phase.

~

The customer supplied 18 battery packs from pilot production lot L-4490, with serial
numbers BP-01 to BP-18, together with a CAN interface cable and the configuration files for
the battery management system.

Each pack contains 13 cells in series and 4 in parallel of the cylindrical 21700 format, a
passive balancing board and a 200 A main fuse. Packs were stored at 25 °C and 50% state of
charge until used. Packs BP-01 to BP-06 were assigned to the environmental tests, BP-07 to
BP-12 to the mechanical tests and BP-13 to BP-18 to the electrical abuse and propagation
tests.

# 3. Test VC-1: thermal cycling
Test VC-1 checks that repeated temperature changes during storage and transport do not
degrade the pack's mechanical integrity or its electrical performance.

~

Packs BP-01 to BP-03 were cycled between -20 °C and +60 °C for 200 cycles, with a ramp of
2 °C/min and one-hour dwells. The mean capacity retention after cycling was 97.8%, and the
highest pack temperature recorded was 61.2 °C.

No change in insulation resistance and no visible damage were observed. Test VC-1 is
passed.

~

# 4. Test VC-2: random vibration
Test VC-2 simulates the vibration experienced by the pack when mounted on the vehicle
chassis during its service life.

~

Packs BP-07 to BP-09 were subjected to random vibration of 7.9 g rms in each of the three
axes, for 12 hours per axis, at 25 °C. During the vertical axis run, pack BP-07 lost
communication after 9 hours and 40 minutes; inspection found that the main harness
connector had backed out of its housing because the retention clip was not fully engaged.

The other two packs completed the test without anomalies. Because one of three packs
failed, test VC-2 is not passed.

~

# 5. Test VC-3: mechanical shock and drop
Test VC-3 combines half-sine mechanical shocks representative of kerb strikes with a drop
test representing handling accidents during battery replacement.

~

Packs BP-10 to BP-12 received 18 half-sine shocks of 50 g and 11 ms, three in each direction
of each axis, followed by a free fall from a height of 1.2 m onto a concrete floor, landing
on the corner judged most vulnerable.

The enclosure of BP-11 showed a 15 mm dent at the impact corner, but there was no leakage,
no loss of voltage and no reduction of insulation resistance. Test VC-3 is passed.

~

# 6. Test VC-4: external short circuit and overcharge
Test VC-4 verifies that the pack's protection devices interrupt an external short circuit
and an overcharge before hazardous conditions develop.

~

Pack BP-13, fully charged, was short-circuited through an external resistance of
5 milliohm at 25 °C. The peak current reached 1,840 A and the main fuse opened after 2.3 ms.
The maximum cell temperature recorded was 71 °C, one hour after the short circuit.

Pack BP-14 was overcharged at 20 A with the battery management system disabled; the
redundant protection relay opened at a pack voltage of 56.1 V. Neither pack showed fire,
rupture or leakage. Test VC-4 is passed.

~

# 7. Test VC-5: thermal propagation
Test VC-5 assesses whether a thermal runaway in one cell propagates to the rest of the pack,
which is the most severe safety scenario considered by the customer.

~

Thermal runaway was triggered in cell 3 of pack BP-15 by a 250 W film heater. The trigger
cell vented after 6 minutes. The highest temperature of an adjacent cell was 96 °C, reached
38 minutes after triggering, and no further cell entered thermal runaway during the
24-hour observation period.

Venting gases were released through the pack's pressure relief valve, and no flames left
the enclosure. Test VC-5 is passed.

~

# 8. Conclusions and corrective actions
The BP-48 pack meets the requirements of the customer specification for all tests except
VC-2, random vibration.

~

Corrective action CA-2024-09: the customer will redesign the harness connector with a
secondary locking feature and add a go/no-go check of clip engagement to the end-of-line
test. Three new packs with the modified connector must be submitted for a repeat of test
VC-2 no later than 30 September 2024.

Report prepared by Daniel Reyes, test engineer, and approved by Andrés Beltrán Ruiz,
laboratory director.

~
"""

# =======================================================================================
# PDF 7 (en): lab notebook
# =======================================================================================

_LN_FILLER = """
General note: all consumables logged in the stock sheet; bench cleaned with isopropanol at
the end of the session; waste resin disposed of in the labelled container in the fume
cupboard.

Reminder for myself: keep the sample identifiers exactly as used in the test report, so that
the cross-sections can be traced back to the campaign and cycle number without ambiguity.

Environment during the session was within the usual range for the materials lab. No unusual
vibration from the neighbouring workshop today, so the balance readings were stable.

Discussed progress briefly with Lucía Ferrer at the end of the day. Agreed that raw data
files go to the shared project folder and that any anomaly is flagged in the weekly meeting
rather than by email.

Photographs saved to the project folder with the date prefix. File names follow the
convention date, sample, magnification, so that the images can be sorted chronologically.

Safety: nitrile gloves and safety glasses throughout; the polishing machine guard was
checked before use; no incidents to report.

Open question: is the variability we see due to the samples themselves or to the
preparation? Need to repeat at least one preparation step with a second operator before
drawing conclusions.

Entry signed at the end of the session and counter-signed by the witness on the next working
day, as required by the notebook policy.
"""

_LN = """
# Entry 2024-04-17: DSC of solder paste
Objective: confirm the melting behaviour of the SAC305 solder paste batch SP-2291 used by
the module manufacturer, as requested after the first results of campaign T-10.

~

Method: three specimens of about 10 mg each in aluminium pans, heated at 10 K/min from 25 to
260 °C under nitrogen. Result: the melting onset was 217.3 °C on average, with a peak at
219.0 °C, consistent with the alloy datasheet. No secondary peak was observed, so
contamination with a low-melting phase is unlikely.

~

~

# Entry 2024-05-09: thermocouple check
Before the microsections, checked the thermocouples used in the thermal cycling campaigns
against the reference thermometer in the calibration bath at 0 °C and 100 °C.

~

Channels 1 to 6 and 8 agreed with the reference within 0.5 °C. Channel 7 read 1.8 °C high at
both points; the thermocouple was replaced and the new one agreed within 0.3 °C. Informed
the test engineer, since channel 7 had been used on sample M-12 during campaign T-11.

~

~

# Entry 2024-05-22: microsection of M-09
Sample M-09 failed in campaign T-11. Cut with the low-speed diamond saw through the corner of
the substrate, mounted in cold epoxy resin and polished down to 1 µm diamond.

~

Under the optical microscope the crack in the solder layer starts at the substrate corner
and runs parallel to the interface. Measured crack length: 310 µm at 200x. Solder thickness
at the corner: 52 µm, compared with 118 µm at the centre of the same substrate.

~

~

# Entry 2024-06-06: die shear baseline
Shear tests on the die attach of the two untested reference modules of lot L-4502, N-11 and
N-12, to obtain a baseline before the results of the humidity campaign are available.

~

Fifteen dies sheared at 200 µm/s with the 50 kg cartridge. Mean shear force 42.6 N, standard
deviation 3.1 N, minimum 37.9 N. All fractures were within the solder, none at the die
metallisation, which is the preferred failure mode.

~

~

# Entry 2024-06-20: solder voids by X-ray
X-ray inspection of the six untested reference modules of lot L-4471 (M-19 to M-24) to check
for voids in the substrate solder layer, as suggested at the last project meeting.

~

Void fraction ranged from 4% to 17%; module M-22 had the highest value, with one large void
of about 2 mm near a corner. Voids above 10% were found in three of the six modules, all
from the same panel position.

~

~
"""


@dataclass(frozen=True)
class _PdfDoc:
    name: str
    language: str
    header: str
    title: str
    meta: str
    body: str
    filler: str


_PDFS: tuple[_PdfDoc, ...] = (
    _PdfDoc(
        "guia_anticoagulacion_perioperatoria.pdf",
        "es",
        "Hospital Universitario Santa Lucía · Guía clínica GC-HEM-021 · Versión 4.1",
        "Manejo perioperatorio de la anticoagulación oral en adultos",
        "Servicio de Hematología y Hemoterapia · Servicio de Anestesiología y Reanimación",
        _GUIA,
        _GUIA_FILLER,
    ),
    _PdfDoc(
        "af_anticoagulation_protocol.pdf",
        "en",
        "Northfield General Hospital - Clinical Protocol CP-CARD-07 - Version 2.3",
        "Atrial Fibrillation: Stroke Prevention and Periprocedural Anticoagulation",
        "Department of Cardiology, in collaboration with Pharmacy and Haematology",
        _AF,
        _AF_FILLER,
    ),
    _PdfDoc(
        "contrato_arrendamiento_nave_14.pdf",
        "es",
        "Contrato de arrendamiento · Polígono Industrial El Prado, nave 14 · Ref. ARR-2023-006",
        "CONTRATO DE ARRENDAMIENTO PARA USO DISTINTO DEL DE VIVIENDA",
        "En Alcalá de Henares, a 3 de febrero de 2023",
        _ARR,
        _ARR_FILLER,
    ),
    _PdfDoc(
        "master_services_agreement_MSA-2023-118.pdf",
        "en",
        "Master Services Agreement MSA-2023-118 - Termotec Ensayos / Brightline Analytics",
        "MASTER SERVICES AGREEMENT",
        "Effective Date: 15 May 2023",
        _MSA,
        _MSA_FILLER,
    ),
    _PdfDoc(
        "informe_ensayos_IT-2024-031.pdf",
        "es",
        "Termotec Ensayos, S.A. · Informe técnico IT-2024-031 · Módulo de potencia MP-200",
        "Campañas de ciclado térmico y calor húmedo del módulo de potencia MP-200",
        "Cliente: Kinetia Drives, S.L. · Emitido el 28 de junio de 2024 · "
        "Responsable: Lucía Ferrer Campos",
        _INF,
        _INF_FILLER,
    ),
    _PdfDoc(
        "battery_pack_validation_VR-118.pdf",
        "en",
        "Termotec Ensayos - Validation Report VR-118 - BP-48 battery pack",
        "Environmental and Abuse Validation of the BP-48 Battery Pack",
        "Customer: Voltaria Mobility B.V. - Issued 19 August 2024 - Test engineer: Daniel Reyes",
        _BAT,
        _BAT_FILLER,
    ),
    _PdfDoc(
        "lab_notebook_LN-2024-07.pdf",
        "en",
        "Materials Laboratory - Notebook LN-2024-07 - S. Okafor",
        "Laboratory Notebook LN-2024-07",
        "Owner: Dr. Samuel Okafor, Materials and Failure Analysis - Project: MP-200 reliability",
        _LN,
        _LN_FILLER,
    ),
)


def _pdf_pages(doc: _PdfDoc) -> list[tuple[str, list[str]]]:
    """The document's pages with every filler marker replaced and short pages topped up."""
    filler = _paragraphs(doc.filler)
    pages: list[tuple[str, list[str]]] = []
    used = 0
    for index, (heading, paras) in enumerate(_sections(doc.body)):
        out: list[str] = []
        for para in paras:
            if para == _FILL:
                out.append(filler[used % len(filler)])
                used += 1
            else:
                out.append(para)
        extra = _words(doc.title + " " + doc.meta) if index == 0 else 0
        while _words(heading + " " + " ".join(out)) + extra < _MIN_WORDS:
            out.append(filler[used % len(filler)])
            used += 1
        words = _words(heading + " " + " ".join(out))
        if words > _MAX_WORDS:
            raise ValueError(f"{doc.name} page {index + 1} has {words} words")
        pages.append((heading, out))
    return pages


class _Pdf(FPDF):
    def __init__(self, header_text: str, footer_text: str) -> None:
        super().__init__(format="A4")
        self._header_text = header_text
        self._footer_text = footer_text  # with {n} for the page number

    def header(self) -> None:
        self.set_font("Helvetica", "I", 8)
        self.set_text_color(100, 100, 100)
        self.cell(0, 5, self._header_text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(180, 180, 180)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(5)
        self.set_text_color(0, 0, 0)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("Helvetica", "", 8)
        self.set_text_color(100, 100, 100)
        self.cell(0, 5, self._footer_text.format(n=self.page_no()), align="C")
        self.set_text_color(0, 0, 0)


def _write_pdf(doc: _PdfDoc, path: Path) -> int:
    pages = _pdf_pages(doc)
    total = len(pages)
    footer = ("Página {n} de %d" if doc.language == "es" else "Page {n} of %d") % total
    pdf = _Pdf(doc.header, footer)
    pdf.set_margins(22, 18, 22)
    pdf.set_auto_page_break(True, 20)
    pdf.set_creation_date(_FIXED_DATE)
    pdf.set_title(doc.title)
    pdf.set_author("Confidente test corpus")
    pdf.set_lang(doc.language)
    for index, (heading, paras) in enumerate(pages):
        pdf.add_page()
        if index == 0:
            pdf.set_font("Helvetica", "B", 15)
            pdf.multi_cell(0, 7, doc.title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.set_font("Helvetica", "I", 9.5)
            pdf.multi_cell(0, 5, doc.meta, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.multi_cell(0, 6, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
        pdf.set_font("Helvetica", "", 10.5)
        for para in paras:
            pdf.multi_cell(0, 5.2, para, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(2.6)
        if pdf.page_no() != index + 1:
            raise ValueError(f"{doc.name}: page {index + 1} overflows")
    pdf.output(str(path))
    return total


# =======================================================================================
# DOCX 1 (es): sample handling procedure
# =======================================================================================

_PNT_TITLE = "PNT-LAB-007. Recepción, procesamiento y conservación de muestras de plasma"
_PNT_META = (
    "Biobanco del Hospital Universitario Santa Lucía · Revisión 3 · "
    "Entrada en vigor: 5 de febrero de 2024"
)
_PNT = """
# 1. Objeto
Este procedimiento normalizado de trabajo describe las operaciones de recepción, registro,
procesamiento y conservación de las muestras de sangre destinadas a la colección de plasma
del biobanco, utilizada en estudios de coagulación y de seguimiento de pacientes
anticoagulados.

El cumplimiento de este procedimiento garantiza la trazabilidad de cada alícuota y la
calidad preanalítica necesaria para que los resultados de los estudios sean comparables
entre sí.

# 2. Alcance y responsabilidades
Se aplica a todas las muestras recibidas en el biobanco desde las consultas externas, las
unidades de hospitalización y los centros de salud adscritos.

La responsable del procedimiento es la Dra. Carmen Robles Vidal, coordinadora técnica del
biobanco, que velará por su actualización y por la formación del personal. Los técnicos
superiores de laboratorio ejecutan las tareas descritas y registran cualquier incidencia.

# 3. Transporte y recepción
Las muestras se extraerán en tubos de citrato sódico y se transportarán en posición
vertical, refrigeradas entre 2 y 8 °C, en contenedores homologados con registro continuo de
temperatura.

En la recepción se comprobará la identificación del tubo, la integridad del envase, el
volumen de llenado y la hoja de petición. Toda muestra aceptada se registrará en el LIMS en
un plazo máximo de 24 horas desde su llegada, asignándole un código de biobanco.

# 4. Procesamiento
El tiempo transcurrido desde la extracción hasta la centrifugación no debe superar las dos
horas. Las muestras que excedan este plazo se rechazarán y se notificará el rechazo al
servicio de origen mediante el formulario F-LAB-007-01.

La centrifugación se realizará a 2.000 g durante 15 minutos a temperatura ambiente. A
continuación se centrifugará de nuevo el plasma separado para obtener plasma pobre en
plaquetas, que se repartirá en alícuotas de 500 µl en criotubos con etiqueta de código
bidimensional.

# 5. Conservación
Las alícuotas se almacenarán en los congeladores de -80 °C de la sala B-12, en cajas de 81
posiciones cuya ubicación queda registrada en el LIMS. Las muestras no deben permanecer más
de 10 minutos fuera del congelador durante su manipulación.

No se admitirán más de dos ciclos de congelación y descongelación por alícuota; cualquier
alícuota que los supere se marcará como no apta para estudios de coagulación.

# 6. Incidencias
Cualquier desviación de temperatura en los congeladores superior a 10 °C durante más de 30
minutos se comunicará de inmediato a la responsable del procedimiento y se documentará en
el formulario F-LAB-007-02, indicando las cajas afectadas.

# 7. Historial de revisiones
Revisión 1 (2019): edición inicial. Revisión 2 (2021): se incorpora la doble centrifugación.
Revisión 3 (2024): se acorta el plazo máximo hasta el procesamiento y se añade el registro
de temperatura durante el transporte.
"""

# =======================================================================================
# DOCX 2 (en): equipment calibration SOP
# =======================================================================================

_SOP_TITLE = "SOP-QA-014 Calibration and Verification of Test Equipment"
_SOP_META = "Termotec Ensayos, S.A. - Quality Department - Revision 5 - Effective 8 January 2024"
_SOP_TABLE_MARK = "[table]"
_SOP_TABLE = (
    ("Equipment", "Interval", "Performed by"),
    ("Climatic and thermal shock chambers", "12 months", "Accredited external laboratory"),
    ("Thermocouples and data loggers", "6 months", "Metrology laboratory"),
    ("Balances", "12 months, plus daily check", "External laboratory and operator"),
    ("Torque wrenches", "12 months", "Metrology laboratory"),
    ("Pressure gauges", "24 months", "External laboratory"),
    ("Vibration controllers and accelerometers", "12 months", "External laboratory"),
)
_SOP = """
# 1. Purpose
This procedure defines how the test and measurement equipment used in the laboratory is
calibrated, verified between calibrations, labelled and withdrawn from use, so that every
reported result can be traced to national or international standards.

# 2. Responsibilities
The Quality Manager, Helen Whitaker, approves the annual calibration plan each January and
keeps the equipment inventory up to date. Test engineers check the calibration label before
each use and must not use an instrument whose calibration has expired.

# 3. Calibration intervals
Intervals are set according to the instrument type, its stability history and the
manufacturer's recommendation. The table below lists the default intervals.

[table]

Climatic chambers are mapped at nine points throughout the working volume every 12 months by
an accredited external laboratory. Thermocouples and data loggers are calibrated every six
months in-house against the reference platinum resistance thermometer, in the calibration
bath, at three temperatures covering the range of use.

Balances receive an external calibration once a year and a daily check with a certified
100 g mass before first use.

# 4. Out-of-tolerance results
If an instrument is found out of tolerance, it is immediately withdrawn from use and marked
with a red QUARANTINE label. The responsible engineer must complete an impact assessment of
all tests performed since the last valid calibration within five working days, and inform
the affected customers when results may be invalid.

The instrument may return to service only after repair, a new calibration and the written
release of the Quality Manager.

# 5. Records
Calibration certificates, verification records and impact assessments are stored in the
quality management system. Calibration records are kept for ten years after the instrument
is retired.
"""


def _write_docx(path: Path, title: str, meta: str, body: str) -> None:
    document = docx.Document()
    props = document.core_properties
    props.title = title
    props.author = "Confidente test corpus"
    props.last_modified_by = "Confidente test corpus"
    props.created = _FIXED_DATE.replace(tzinfo=None)
    props.modified = _FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    document.add_heading(title, level=0)
    document.add_paragraph(meta).runs[0].italic = True
    for heading, paras in _sections(body):
        document.add_heading(heading, level=1)
        for para in paras:
            if para == _SOP_TABLE_MARK:
                table = document.add_table(rows=0, cols=len(_SOP_TABLE[0]))
                table.style = "Table Grid"
                for row in _SOP_TABLE:
                    cells = table.add_row().cells
                    for cell, value in zip(cells, row, strict=True):
                        cell.text = value
            else:
                document.add_paragraph(para)
    document.save(str(path))


# =======================================================================================
# HTML (es): HR policy
# =======================================================================================

_HR_TITLE = "Política de personas"
_HR_META = "Termotec Ensayos, S.A. · Dirección de Personas · Edición de enero de 2024"
_HR = """
# 1. Incorporación y periodo de prueba
Cada nueva incorporación cuenta con un plan de acogida de dos semanas y con una persona
mentora de su mismo departamento, que le acompañará durante los primeros meses y le
presentará los procedimientos de calidad y de seguridad del laboratorio.

El periodo de prueba será de seis meses para el personal técnico titulado y de dos meses
para el resto de trabajadores, de acuerdo con el convenio colectivo de aplicación. Durante
ese periodo cualquiera de las partes puede resolver la relación laboral sin preaviso.

# 2. Jornada y horario
La jornada anual es de 1.720 horas. El horario de oficina es flexible, con entrada entre las
7:30 y las 9:30 y presencia obligatoria de 9:30 a 14:00. Los viernes y durante los meses de
julio y agosto se aplica jornada intensiva. El personal de laboratorio sigue el calendario
de turnos publicado cada mes.

# 3. Vacaciones y permisos
Cada persona dispone de 23 días laborables de vacaciones al año, de los que al menos diez
deben disfrutarse de forma consecutiva entre junio y septiembre. Las solicitudes se tramitan
a través del portal del empleado con un mes de antelación.

Además de los permisos legales, la empresa concede un día de libre disposición adicional a
partir del quinto año de antigüedad.

# 4. Teletrabajo
Los puestos cuyas funciones lo permitan podrán teletrabajar hasta dos días por semana, previa
firma del acuerdo individual de trabajo a distancia. Los puestos de laboratorio quedan
excluidos durante las semanas con ensayos en curso. La empresa compensa los gastos con 35
euros mensuales y facilita el equipo informático necesario.

# 5. Desconexión digital
Fuera de la jornada laboral no se esperan respuestas a correos ni mensajes. Salvo
emergencias en los ensayos, no se convocarán reuniones después de las 17:00 ni se enviarán
comunicaciones entre las 19:00 y las 8:00.

# 6. Formación
Cada persona dispone de 40 horas anuales de formación dentro de la jornada, que se
planifican con su responsable en la entrevista de desarrollo de enero. La formación en
prevención de riesgos específica de cada puesto es obligatoria y se renueva cada dos años.

# 7. Salida de la empresa
La persona que decida causar baja voluntaria deberá comunicarlo por escrito a su responsable
y a la Dirección de Personas con un preaviso mínimo de quince días naturales; en el caso de
mandos intermedios, el preaviso será de un mes. La falta de preaviso permitirá descontar de
la liquidación el salario correspondiente a los días no preavisados.

Antes del último día se devolverán el equipo informático, las tarjetas de acceso y los
equipos de protección individual, y se realizará una entrevista de salida.

# 8. Canal ético
Cualquier persona puede comunicar de forma confidencial posibles incumplimientos legales o de
esta política a través del canal ético, gestionado por un tercero independiente. No se
tolerarán represalias contra quienes informen de buena fe.
"""


def _html() -> str:
    from html import escape

    parts = [
        "<!DOCTYPE html>",
        '<html lang="es">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{escape(_HR_TITLE)} - Termotec Ensayos</title>",
        "<style>body{font-family:sans-serif;max-width:46em;margin:2em auto}"
        "nav a{margin-right:1em}</style>",
        "</head>",
        "<body>",
        f"<header><h1>{escape(_HR_TITLE)}</h1><p><em>{escape(_HR_META)}</em></p></header>",
        '<nav><a href="#s1">Incorporación</a><a href="#s4">Teletrabajo</a>'
        '<a href="#s7">Salida</a></nav>',
        "<main>",
    ]
    for number, (heading, paras) in enumerate(_sections(_HR), start=1):
        parts.append(f'<section id="s{number}">')
        parts.append(f"<h2>{escape(heading, quote=False)}</h2>")
        parts.extend(f"<p>{escape(para, quote=False)}</p>" for para in paras)
        parts.append("</section>")
    parts += [
        "</main>",
        "<footer><p>Documento de uso interno. Consultas: personas@termotec.example</p></footer>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


# =======================================================================================
# Markdown (en): project meeting notes
# =======================================================================================

_MD = """\
# MP-200 reliability project - meeting notes

Project: qualification of the MP-200 power module for Kinetia Drives, S.L.
Chair: Andrés Beltrán Ruiz. Minutes: Marta Quintana.

## 2024-05-16 - Weekly review

Attendees: A. Beltrán, L. Ferrer, S. Okafor, M. Quintana, J. Montes.

### Status

- Campaign T-10 is complete with no failures; the report section is drafted.
- Campaign T-11 is running. Chamber CC-03 stopped on 14 May because of the compressor fault;
  see incident INC-2024-117 and deviation DV-07.
- The first T-11 failure (M-09) has been taken out of the chamber for a microsection.

### Decisions

- Failed modules are kept in individual antistatic bags, labelled with campaign and cycle
  number, until the failure analysis is complete.
- The repair of CC-03 will be followed by a full temperature mapping before T-12 starts.

### Actions

| # | Action | Owner | Due |
|---|--------|-------|-----|
| 1 | Microsection of M-09 | S. Okafor | 2024-05-24 |
| 2 | Send deviation DV-07 to the customer | L. Ferrer | 2024-05-20 |
| 3 | Ask for a quote for a fixed gas detector in zone B | J. Montes | 2024-05-31 |

## 2024-06-13 - Review of T-12 results

Attendees: A. Beltrán, L. Ferrer, S. Okafor, M. Quintana.

- T-12 finished at 300 cycles. Because of the controller overshoot during the first cycles,
  the results can only be considered indicative.
- The failure analysis points to variation of the solder layer thickness under the substrate
  corners in lot L-4471.
- Samuel proposed an X-ray check of the untested reference modules for voids.

### Decisions

- Propose to Kinetia a repeat of T-12 with a 5 °C/min ramp and a verified controller.
- The humidity campaign T-13 continues as planned.

## 2024-07-04 - Steering meeting with Kinetia Drives

Attendees: A. Beltrán, L. Ferrer, M. Quintana (Termotec); R. Lindqvist, C. Moreau (Kinetia).

- Kinetia accepted report IT-2024-031 and its recommendations.
- Kinetia approved a budget of EUR 18,400 for the repeat of campaign T-12, to be run in
  week 36 in chamber CC-03.
- Kinetia and Termotec will carry out a joint audit of Kessler Substrates on 12 September 2024
  at the supplier's plant in Regensburg, focused on the control of solder thickness.
- The decision on qualifying the second substrate supplier (lot L-4502) is postponed until
  the repeat of T-12 is complete.

### Actions

| # | Action | Owner | Due |
|---|--------|-------|-----|
| 1 | Book CC-03 for week 36 and order the mapping | L. Ferrer | 2024-07-19 |
| 2 | Prepare the audit checklist | M. Quintana | 2024-08-30 |
| 3 | Add the solder thickness failure mode to the MP-200 FMEA | R. Lindqvist | 2024-09-15 |
"""

# =======================================================================================
# Plain text (es, cp1252): incident report
# =======================================================================================

_TXT = """\
INFORME DE INCIDENTE INC-2024-117
Termotec Ensayos, S.A. - Servicio de Prevención de Riesgos Laborales

Fecha del incidente: 14/05/2024        Hora de detección: 10:40
Lugar: Nave 14, zona de ensayos B, cámara climática CC-03
Tipo: fuga de gas refrigerante sin daños personales
Redactado por: Nuria Gallego Prieto, técnica de prevención
Fecha del informe: 16/05/2024

1. DESCRIPCIÓN DE LO OCURRIDO

Durante la campaña de ciclado T-11, el técnico de laboratorio Javier Montes Gil percibió un
olor anómalo junto a la cámara CC-03 y observó escarcha en la tubería de descarga del
compresor. Al mismo tiempo, el detector portátil de gases que llevaba en el cinturón emitió
una alarma de nivel bajo.

El técnico detuvo la cámara desde el panel de control, avisó a su responsable y activó el
protocolo de evacuación de la zona B. Las cuatro personas presentes abandonaron la zona en
menos de dos minutos.

2. CAUSAS

La empresa mantenedora determinó que la fuga se debió a la rotura por fatiga de una
soldadura de la tubería de descarga del compresor, favorecida por las vibraciones del
equipo. El gas liberado fue refrigerante R-449A; la pérdida estimada fue de 3,2 kg sobre una
carga total de 9,5 kg.

3. CONSECUENCIAS

No hubo personas heridas ni afectadas por inhalación. Las muestras del ensayo en curso
permanecieron en el interior de la cámara. La reparación fue realizada el mismo día por
Frío Industrial Henares, S.L., que sustituyó el tramo de tubería, comprobó la estanqueidad
con nitrógeno y recargó el circuito.

4. MEDIDAS ADOPTADAS Y ACCIONES CORRECTIVAS

- Ventilación forzada de la zona B durante 30 minutos antes de permitir de nuevo el acceso.
- Revisión de las tuberías de las demás cámaras climáticas por la empresa mantenedora,
  sin hallazgos.
- Acción correctiva AC-31: instalar un detector fijo de gases refrigerantes con alarma
  acústica en la zona B antes del 31 de julio de 2024. Responsable: Andrés Beltrán Ruiz.
- Acción correctiva AC-32: incluir la inspección de los soportes antivibración en el
  mantenimiento trimestral de las cámaras.
- Comunicación del incidente a todo el personal en la reunión semanal de seguridad.

5. CLASIFICACIÓN

Incidente sin baja (cuasi accidente con potencial de daño medio). No requiere notificación
a la autoridad laboral. Se comunica al cliente afectado mediante la desviación DV-07 del
informe de ensayo correspondiente.
"""

# =======================================================================================
# CSV (es): equipment inventory
# =======================================================================================

_CSV_HEADER = (
    "codigo",
    "descripcion",
    "ubicacion",
    "fabricante",
    "modelo",
    "numero_serie",
    "ultima_calibracion",
    "proxima_calibracion",
    "estado",
    "responsable",
)
# fmt: off
_CSV_ROWS: tuple[tuple[str, ...], ...] = (
    ("CC-01", "Cámara climática 340 l", "Zona A puesto 1", "Weiss Technik", "LabEvent L/340",
     "58226031450010", "2024-01-22", "2025-01-22", "En servicio", "L. Ferrer"),
    ("CC-02", "Cámara climática 340 l", "Zona A puesto 2", "Weiss Technik", "LabEvent L/340",
     "58226031450011", "2024-01-24", "2025-01-24", "En servicio", "L. Ferrer"),
    ("CC-03", "Cámara de ciclado rápido 600 l", "Zona B puesto 4", "Vötsch", "VCS3 7060-5",
     "VT-60-1187", "2024-06-03", "2025-06-03", "En servicio", "L. Ferrer"),
    ("CC-04", "Cámara de choque térmico de dos zonas", "Zona B puesto 5", "ESPEC", "TSE-12-A",
     "ES-TS-44120", "2023-11-14", "2024-11-14", "En servicio", "L. Ferrer"),
    ("CC-05", "Cámara de calor húmedo 85/85", "Zona C puesto 2", "Binder", "KMF 720",
     "BI-21-07733", "2024-02-12", "2025-02-12", "En servicio", "L. Ferrer"),
    ("RD-16A", "Registrador de datos de 16 canales", "Zona B puesto 4", "Graphtec", "GL840",
     "GT840-553012", "2024-05-10", "2024-11-10", "En servicio", "S. Okafor"),
    ("RD-16B", "Registrador de datos de 16 canales", "Zona C puesto 3", "Graphtec", "GL840",
     "GT840-553087", "2024-03-18", "2024-09-18", "En servicio", "S. Okafor"),
    ("TB-01", "Baño de calibración de líquido", "Laboratorio de metrología", "Fluke", "7103",
     "B41277", "2024-02-05", "2025-02-05", "En servicio", "H. Whitaker"),
    ("PT-01", "Termómetro de referencia Pt100", "Laboratorio de metrología", "Fluke",
     "1524 con sonda 5615", "A2B449", "2024-02-06", "2025-02-06", "En servicio", "H. Whitaker"),
    ("TH-11", "Termohigrómetro de referencia", "Laboratorio de metrología", "Testo", "635-2",
     "61408822", "2024-04-02", "2025-04-02", "En servicio", "H. Whitaker"),
    ("BA-01", "Balanza de precisión", "Laboratorio de materiales", "Mettler Toledo", "MS1003TS",
     "C340512877", "2024-01-30", "2025-01-30", "En servicio", "S. Okafor"),
    ("BA-02", "Balanza analítica", "Laboratorio de materiales", "Sartorius", "Quintix 125D-1S",
     "0039281045", "2024-01-31", "2025-01-31", "En servicio", "S. Okafor"),
    ("DSC-01", "Calorímetro diferencial de barrido", "Laboratorio de materiales", "Netzsch",
     "DSC 214 Polyma", "NZ214-0917", "2023-12-11", "2024-12-11", "En servicio", "S. Okafor"),
    ("CZ-01", "Equipo de ensayo de cizalla", "Laboratorio de materiales", "Nordson Dage",
     "4000Plus", "DAGE-4K-21188", "2024-03-04", "2025-03-04", "En servicio", "S. Okafor"),
    ("RX-01", "Equipo de inspección por rayos X", "Laboratorio de materiales", "Nordson Dage",
     "Quadra 5", "Q5-00912", "2023-10-16", "2024-10-16", "En servicio", "S. Okafor"),
    ("CO-01", "Cortadora de precisión de baja velocidad", "Laboratorio de materiales",
     "Buehler", "IsoMet Low Speed", "IM-118823", "no aplica", "no aplica", "En servicio",
     "S. Okafor"),
    ("PU-01", "Pulidora automática", "Laboratorio de materiales", "Struers", "Tegramin-25",
     "STR-6631405", "no aplica", "no aplica", "En servicio", "S. Okafor"),
    ("MO-01", "Microscopio óptico metalográfico", "Laboratorio de materiales", "Zeiss",
     "Axio Imager 2", "3517001234", "2024-04-15", "2026-04-15", "En servicio", "S. Okafor"),
    ("SAM-01", "Microscopio acústico de barrido", "Laboratorio de materiales", "PVA TePla",
     "SAM 301", "PV301-2207", "2024-02-26", "2025-02-26", "En servicio", "S. Okafor"),
    ("VB-01", "Sistema de vibración electrodinámico 35 kN", "Zona D bancada 1", "LDS",
     "V875-440", "LDS-875-3321", "2024-04-22", "2025-04-22", "En servicio", "D. Reyes"),
    ("AC-07", "Acelerómetro triaxial de control", "Zona D bancada 1", "PCB Piezotronics",
     "356A02", "LW271933", "2024-04-23", "2025-04-23", "En servicio", "D. Reyes"),
    ("BK-01", "Búnker de ensayos de abuso", "Zona E", "Fabricación propia", "BK-2", "no aplica",
     "2024-05-06", "2025-05-06", "En servicio", "D. Reyes"),
    ("CB-01", "Cicladora de baterías de 8 canales y 100 A", "Zona E", "Digatron",
     "MCT 100-06-8", "DG-10077", "2024-05-13", "2025-05-13", "En servicio", "D. Reyes"),
    ("OSC-01", "Osciloscopio digital de 4 canales", "Laboratorio de electrónica", "Tektronix",
     "MSO46", "C045512", "2024-03-27", "2025-03-27", "En servicio", "D. Reyes"),
    ("OSC-02", "Osciloscopio digital de 4 canales", "Laboratorio de electrónica", "Tektronix",
     "MSO44", "C039877", "2023-09-12", "2024-09-12", "Fuera de servicio (pantalla averiada)",
     "D. Reyes"),
    ("MM-03", "Multímetro de precisión", "Laboratorio de electrónica", "Keysight", "34465A",
     "MY59012345", "2024-06-17", "2025-06-17", "En servicio", "D. Reyes"),
    ("HI-02", "Medidor de aislamiento de 5 kV", "Laboratorio de electrónica", "Megger",
     "MIT525", "101188765", "2024-02-19", "2025-02-19", "En servicio", "D. Reyes"),
    ("DG-01", "Detector portátil de gases refrigerantes", "Zona B", "Inficon", "D-TEK Stratus",
     "DT-88412", "2024-05-20", "2025-05-20", "En servicio", "J. Montes"),
    ("LL-01", "Llave dinamométrica de 5 a 25 N·m", "Zona D", "Norbar", "TTi 25", "NB-254411",
     "2024-01-15", "2025-01-15", "En servicio", "D. Reyes"),
    ("LL-02", "Llave dinamométrica de 20 a 100 N·m", "Zona D", "Norbar", "TTi 100", "NB-254987",
     "2024-01-16", "2025-01-16", "En servicio", "D. Reyes"),
)
# fmt: on


def _csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(_CSV_HEADER)
    writer.writerows(_CSV_ROWS)
    return out.getvalue()


# =======================================================================================
# Source code (en): chamber safety limits
# =======================================================================================

_CODE = '''\
"""Safety interlock limits for the climatic chambers of the Termotec test laboratory.

Read by the chamber supervisor service at start-up. Values agreed with the manufacturers
and reviewed after incident INC-2024-117 and the overshoot seen in campaign T-12.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ChamberLimits:
    max_air_temp_c: float
    min_air_temp_c: float
    max_ramp_c_per_min: float


LIMITS = {
    "CC-01": ChamberLimits(max_air_temp_c=180.0, min_air_temp_c=-70.0, max_ramp_c_per_min=5.0),
    "CC-02": ChamberLimits(max_air_temp_c=180.0, min_air_temp_c=-70.0, max_ramp_c_per_min=5.0),
    "CC-03": ChamberLimits(max_air_temp_c=150.0, min_air_temp_c=-65.0, max_ramp_c_per_min=15.0),
    "CC-05": ChamberLimits(max_air_temp_c=100.0, min_air_temp_c=10.0, max_ramp_c_per_min=3.0),
}

# Raise the alarm when the air temperature stays above the set point by more than
# OVERSHOOT_MARGIN_C for longer than OVERSHOOT_ALARM_DELAY_S seconds.
OVERSHOOT_MARGIN_C = 3.0
OVERSHOOT_ALARM_DELAY_S = 45

# Stop the compressor at once when the fixed refrigerant detector reports more than this (ppm).
REFRIGERANT_TRIP_PPM = 500


def check_setpoint(chamber: str, setpoint_c: float) -> None:
    """Refuse a set point outside the chamber's safe range."""
    limits = LIMITS[chamber]
    if not limits.min_air_temp_c <= setpoint_c <= limits.max_air_temp_c:
        raise ValueError(f"{chamber}: set point {setpoint_c} C is outside the safe range")
'''

# =======================================================================================
# Files, questions, build
# =======================================================================================

GUIA = "guia_anticoagulacion_perioperatoria.pdf"
AF = "af_anticoagulation_protocol.pdf"
ARR = "contrato_arrendamiento_nave_14.pdf"
MSA = "master_services_agreement_MSA-2023-118.pdf"
INF = "informe_ensayos_IT-2024-031.pdf"
BAT = "battery_pack_validation_VR-118.pdf"
LN = "lab_notebook_LN-2024-07.pdf"
PNT = "PNT-LAB-007_recepcion_muestras.docx"
SOP = "SOP-QA-014_equipment_calibration.docx"
HTML = "politica_personas.html"
MD = "mp200_meeting_notes.md"
TXT = "INC-2024-117_informe_incidente.txt"
CSV = "inventario_equipos.csv"
CODE = "chamber_safety_limits.py"

TXT_ENCODING = "cp1252"  # the plain-text report is deliberately not UTF-8

_Q = Question
QUESTIONS: tuple[Question, ...] = (
    # --- guía de anticoagulación perioperatoria (es, PDF)
    _Q(
        "¿Qué órgano dio el visto bueno a la guía de anticoagulación y en qué fecha?",
        "es",
        GUIA,
        1,
        "aprobado en su sesión del 12 de marzo de 2024",
    ),
    _Q(
        "Si la víspera de la operación el INR de un paciente con acenocumarol sigue alto, "
        "¿qué se le administra?",
        "es",
        GUIA,
        3,
        "2 mg de vitamina K por vía oral",
    ),
    _Q(
        "cuanto tiempo antes se suspende el dabigatran en un paciente con insuficiencia renal "
        "moderada y cirugia de alto riesgo de sangrado",
        "es",
        GUIA,
        4,
        "96 horas antes de la intervención de alto riesgo",
    ),
    _Q(
        "¿Cuándo se pone la última inyección de heparina antes de operar y en qué cantidad?",
        "es",
        GUIA,
        5,
        "la mitad de la dosis diaria total",
    ),
    _Q(
        "tras quitar el cateter epidural cuanto hay que esperar para poner la siguiente heparina",
        "es",
        GUIA,
        6,
        "no se administrará hasta pasadas 4 horas",
    ),
    _Q(
        "¿Con qué antídoto y a qué dosis se neutraliza el dabigatrán en una cirugía urgente?",
        "es",
        GUIA,
        8,
        "idarucizumab en dosis de 5 g",
    ),
    # --- atrial fibrillation protocol (en, PDF)
    _Q(
        "From what stroke risk score should a woman with atrial fibrillation be offered an "
        "anticoagulant?",
        "en",
        AF,
        2,
        "women with a score of 3 or more",
    ),
    _Q(
        "When should an elderly, low-weight patient get a lower apixaban dose?",
        "en",
        AF,
        3,
        "reduced to 2.5 mg twice daily",
    ),
    _Q(
        "How long before a major operation should patients stop taking blood thinners like "
        "apixaban?",
        "en",
        AF,
        5,
        "at least 48 hours before the operation",
    ),
    _Q(
        "What level of INR control should prompt moving a warfarin patient onto a newer "
        "anticoagulant?",
        "en",
        AF,
        6,
        "falls below 65%",
    ),
    _Q(
        "After restoring normal rhythm with a shock, for how long must anticoagulation be kept "
        "going?",
        "en",
        AF,
        7,
        "at least four weeks after cardioversion",
    ),
    _Q(
        "Which antiplatelet regimen is given after closing the left atrial appendage, and for "
        "how long?",
        "en",
        AF,
        8,
        "dual antiplatelet therapy with aspirin and clopidogrel for six months",
    ),
    # --- contrato de arrendamiento (es, PDF)
    _Q(
        "con cuanta antelacion hay que avisar para que el alquiler no se prorrogue al terminar",
        "es",
        ARR,
        2,
        "seis meses de antelación a la fecha de vencimiento",
    ),
    _Q("¿Cuánto paga Termotec cada mes por alquilar la nave?", "es", ARR, 3, "11.750 EUR"),
    _Q(
        "¿Hasta qué cantidad corren por cuenta del inquilino los arreglos menores?",
        "es",
        ARR,
        5,
        "hasta un importe de 1.500 EUR por actuación",
    ),
    _Q(
        "¿Con cuánto tiempo tiene que avisar el propietario antes de visitar la nave?",
        "es",
        ARR,
        6,
        "antelación mínima de 48 horas",
    ),
    _Q(
        "clausula 14.3 preaviso desistimiento",
        "es",
        ARR,
        7,
        "por burofax con cuatro meses de antelación",
    ),
    _Q(
        "¿Qué juzgados resuelven los conflictos del contrato de la nave?",
        "es",
        ARR,
        8,
        "Tribunales de Alcalá de Henares",
    ),
    # --- master services agreement (en, PDF)
    _Q(
        "How long is the trial phase at the thermal lab before full deployment?",
        "en",
        MSA,
        2,
        "pilot period of sixty (60) days",
    ),
    _Q(
        "By how much can Brightline raise its subscription prices each year at most?",
        "en",
        MSA,
        3,
        "shall not exceed four per cent (4%)",
    ),
    _Q(
        "service credit per 0.5% availability shortfall",
        "en",
        MSA,
        4,
        "service credit of 5% of the monthly subscription fee",
    ),
    _Q(
        "How quickly must the vendor tell us about a leak of personal data?",
        "en",
        MSA,
        5,
        "within thirty-six (36) hours",
    ),
    _Q(
        "How much notice does the customer need to give to end the services contract without "
        "cause?",
        "en",
        MSA,
        8,
        "ninety (90) days' prior written notice",
    ),
    _Q(
        "Which country's law applies to the software services contract?",
        "en",
        MSA,
        9,
        "laws of England and Wales",
    ),
    # --- informe de ensayos IT-2024-031 (es, PDF)
    _Q(
        "¿Cuántas unidades del lote L-4471 llegaron al laboratorio?",
        "es",
        INF,
        2,
        "24 módulos del lote L-4471",
    ),
    _Q(
        "que camara se uso en la campaña de calor humedo del MP-200",
        "es",
        INF,
        3,
        "cámara CC-05 para la campaña T-13",
    ),
    _Q(
        "¿En qué ciclos fallaron los módulos del ensayo de ciclado extendido?",
        "es",
        INF,
        5,
        "en los ciclos 640 y 812",
    ),
    _Q("T-12 temperatura maxima registrada", "es", INF, 6, "131,4 °C"),
    _Q(
        "¿Hasta qué valor subió la corriente de fuga en la prueba de humedad?",
        "es",
        INF,
        7,
        "máximo de 3,2 µA",
    ),
    _Q(
        "¿Cuánto tiempo estuvo parada la cámara por la avería del compresor?",
        "es",
        INF,
        9,
        "detenida durante 3 horas",
    ),
    # --- battery pack validation report (en, PDF)
    _Q(
        "How many packs did Voltaria send for validation, and from which lot?",
        "en",
        BAT,
        2,
        "18 battery packs from pilot production lot L-4490",
    ),
    _Q("VC-2 vibration failure root cause", "en", BAT, 4, "retention clip was not fully engaged"),
    _Q(
        "What peak current flowed when the pack terminals were shorted?",
        "en",
        BAT,
        6,
        "peak current reached 1,840 A",
    ),
    _Q(
        "By when must the redesigned packs be delivered for the vibration retest?",
        "en",
        BAT,
        8,
        "no later than 30 September 2024",
    ),
    # --- lab notebook (en, PDF)
    _Q(
        "Which logger channel had an offset, and how large was it?",
        "en",
        LN,
        2,
        "Channel 7 read 1.8 °C high",
    ),
    _Q(
        "How long was the crack seen in the cross-section of M-09?",
        "en",
        LN,
        3,
        "Measured crack length: 310 µm",
    ),
    # --- procedimiento de muestras (es, DOCX)
    _Q(
        "¿Cuánto tiempo puede pasar como máximo desde que se saca la sangre hasta que se "
        "centrifuga?",
        "es",
        PNT,
        None,
        "no debe superar las dos horas",
    ),
    _Q(
        "cuantas veces se puede congelar y descongelar una alicuota de plasma",
        "es",
        PNT,
        None,
        "más de dos ciclos de congelación y descongelación",
    ),
    # --- calibration SOP (en, DOCX)
    _Q(
        "What happens to an instrument that fails its calibration check?",
        "en",
        SOP,
        None,
        "red QUARANTINE label",
    ),
    _Q(
        "How frequently do the temperature sensors and loggers need recalibrating?",
        "en",
        SOP,
        None,
        "calibrated every six months in-house",
    ),
    # --- política de personas (es, HTML)
    _Q(
        "cuanto dura el periodo de prueba de un ingeniero",
        "es",
        HTML,
        None,
        "seis meses para el personal técnico titulado",
    ),
    _Q(
        "¿Con cuánto tiempo de antelación tengo que avisar si quiero dejar la empresa?",
        "es",
        HTML,
        None,
        "preaviso mínimo de quince días naturales",
    ),
    # --- meeting notes (en, Markdown)
    _Q(
        "How much money did the customer sign off for re-running the severe cycling test?",
        "en",
        MD,
        None,
        "budget of EUR 18,400",
    ),
    _Q(
        "When is the joint visit to the substrate supplier's factory?",
        "en",
        MD,
        None,
        "audit of Kessler Substrates on 12 September 2024",
    ),
    # --- informe de incidente (es, plain text in cp1252)
    _Q(
        "¿Qué gas refrigerante se escapó en el incidente de la cámara climática?",
        "es",
        TXT,
        None,
        "refrigerante R-449A",
    ),
    _Q("QUIEN DETECTO LA FUGA EN LA CAMARA CC-03", "es", TXT, None, "Javier Montes Gil"),
    # --- inventario de equipos (es, CSV)
    _Q(
        "¿En qué puesto está instalada la cámara de calor húmedo CC-05?",
        "es",
        CSV,
        None,
        "Zona C puesto 2",
    ),
    _Q("numero de serie de la balanza analitica BA-02", "es", CSV, None, "0039281045"),
    # --- chamber safety limits (en, source code)
    _Q(
        "How long must a chamber overshoot last before the alarm goes off?",
        "en",
        CODE,
        None,
        "OVERSHOOT_ALARM_DELAY_S = 45",
    ),
)

UNANSWERABLE: tuple[str, ...] = (
    "What is the capital of Australia?",
    "¿Cuál es la receta de la paella valenciana?",
    "Who won the 2018 FIFA World Cup?",
    "¿Quién escribió Cien años de soledad?",
    "How do I change a flat tyre on a bicycle?",
    "¿Qué tiempo hará mañana en Sevilla?",
)


def build_corpus(folder: Path) -> list[Path]:
    """Write the corpus into `folder` (created if needed) and return the files' paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for doc in _PDFS:
        path = folder / doc.name
        _write_pdf(doc, path)
        paths.append(path)
    _write_docx(folder / PNT, _PNT_TITLE, _PNT_META, _PNT)
    _write_docx(folder / SOP, _SOP_TITLE, _SOP_META, _SOP)
    paths += [folder / PNT, folder / SOP]
    texts = {
        HTML: (_html(), "utf-8"),
        MD: (_MD, "utf-8"),
        TXT: (_TXT.replace("\n", "\r\n"), TXT_ENCODING),
        CSV: (_csv(), "utf-8"),
        CODE: (_CODE, "utf-8"),
    }
    for name, (text, encoding) in texts.items():
        path = folder / name
        path.write_bytes(text.encode(encoding))
        paths.append(path)
    return paths
